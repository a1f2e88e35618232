"""The search box: full text over instruments, meetings (and the text of their documents, with
the passage that matched) and follow-ups."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agreements.documents.search import search_query, with_passages
from agreements.filters import full_text
from agreements.models import (
    Instrument,
    Meeting,
)
from agreements.views.follow_ups import board_line, board_queryset


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def search(request):
    """One box over instruments, meetings and follow-ups (PostgreSQL full-text search)."""
    query = request.GET.get("q", "").strip()
    results = {"instruments": [], "meetings": [], "actions": []}
    if query and "\x00" not in query:
        instruments = full_text(
            Instrument.objects.all(), ["title", "short_title", "notes"], query, "instrument"
        )
        meetings = full_text(Meeting.objects.all(), ["title", "summary", "place"], query, "meeting")
        results = {
            # PostgreSQL works the passages out after the limit: for the 50 rows shown only.
            "instruments": list(with_passages(instruments, "instrument", search_query(query))[:50]),
            "meetings": list(with_passages(meetings, "meeting", search_query(query))[:50]),
            "actions": [
                board_line(action)
                for action in full_text(board_queryset(), ["title", "description"], query)[:50]
            ],
        }
    return render(
        request,
        "agreements/search.html",
        {"query": query, "results": results, "total": sum(map(len, results.values()))},
    )
