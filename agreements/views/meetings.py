"""One meeting's page: who met, what was signed, what was promised."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from agreements.models import (
    Document,
    Meeting,
    Person,
)
from agreements.views.follow_ups import board_line, board_queryset


@require_safe
@login_required
@permission_required("agreements.view_meeting", raise_exception=True)
def meeting_detail(request, pk):
    """One meeting: who met, where, what was signed there, what was promised and how it stands."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("host").prefetch_related(
            "states",
            Prefetch("people", Person.objects.select_related("organization")),
            "organizations",
            "sectors",
            "sources",
            "instruments",
            Prefetch("documents", Document.objects.without_text()),
        ),
        pk=pk,
    )
    actions = board_queryset().filter(origin_meeting=meeting)
    return render(
        request,
        "agreements/meeting_detail.html",
        {"meeting": meeting, "lines": [board_line(action) for action in actions]},
    )
