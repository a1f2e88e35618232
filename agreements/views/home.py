"""Home: every relationship at a glance, and the most urgent promises."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, F, Min, Q
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from agreements import calendar
from agreements.models import (
    FollowUpAction,
    Instrument,
    Meeting,
    State,
    is_due_soon,
    is_overdue,
    today,
)
from agreements.models.pairs import (
    FollowUpPair,
    InstrumentPairCount,
    MeetingPair,
)
from agreements.views.follow_ups import board_line, board_queryset


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def home(request):
    """Every relationship at a glance, and the most urgent promises across all of them. Read from
    the pair rows (`agreements/models/pairs.py`): a few grouped queries, not every object."""
    relations = {}

    def relation(code_a, code_b):
        return relations.setdefault(
            (code_a, code_b),
            {
                "codes": (code_a, code_b),
                "counts": {},
                "overdue": 0,
                "next_due": None,
                "latest": None,
            },
        )

    for row in InstrumentPairCount.objects.filter(instruments__gt=0):
        relation(row.state_a, row.state_b)["counts"][row.status] = row.instruments
    # Each pair's latest dated meeting, along the pair rows' index; then those meetings.
    latest_meetings = list(
        MeetingPair.objects.exclude(starts_on=None)
        .order_by("state_a", "state_b", F("starts_on").desc(nulls_first=True), "-meeting_id")
        .distinct("state_a", "state_b")
        .values_list("state_a", "state_b", "meeting_id")
    )
    meetings = Meeting.objects.in_bulk({meeting for _, _, meeting in latest_meetings})
    for code_a, code_b, meeting in latest_meetings:
        relation(code_a, code_b)["latest"] = meetings[meeting]
    on = today()
    open_by_pair = (
        FollowUpPair.objects.filter(status__in=FollowUpAction.OPEN_STATUSES)
        .values("state_a", "state_b")
        .annotate(
            overdue=Count("action", filter=Q(due_on__lt=on)),
            next_due=Min("due_on", filter=Q(due_on__gte=on)),
        )
    )
    for row in open_by_pair:
        entry = relation(row["state_a"], row["state_b"])
        entry["overdue"], entry["next_due"] = row["overdue"], row["next_due"]
    names = dict(
        State.objects.filter(code__in={code for key in relations for code in key}).values_list(
            "code", "name"
        )
    )
    rows = []
    for (code_a, code_b), entry in relations.items():
        entry["name"] = f"{names[code_a]}–{names[code_b]}"
        entry["pair"] = f"{code_a}-{code_b}"
        entry["stages"] = [
            (status.label, entry["counts"][status])
            for status in Instrument.Status
            if entry["counts"].get(status)
        ]
        rows.append(entry)
    rows.sort(key=lambda entry: (-entry["overdue"], entry["name"]))
    urgent = [
        board_line(action) for action in board_queryset().filter(is_overdue() | is_due_soon())[:10]
    ]
    calendar_url = request.build_absolute_uri(
        reverse("calendar", args=[calendar.calendar_token(request.user)])
    )
    return render(
        request,
        "agreements/home.html",
        {"relations": rows, "urgent": urgent, "calendar_url": calendar_url},
    )
