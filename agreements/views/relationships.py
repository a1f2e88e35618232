"""A relationship's page: where two states stand with each other."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from agreements import calendar
from agreements.lists.pairs import CODES_MESSAGE, pair_of_codes
from agreements.models import (
    FollowUpAction,
    Indicator,
    Instrument,
    InstrumentParty,
    Meeting,
    Sector,
    State,
    StatusChange,
)
from agreements.models.pairs import FollowUpPair, InstrumentPair, MeetingPair
from agreements.models.reference import in_display_order, pair_name, pair_slug
from agreements.standing import headline, pair_attention
from agreements.views.follow_ups import board_line, board_queryset

# What the relationship page shows of a busy pair; the counts are whole.
SHOWN_PER_STATUS = 20
TIMELINE_LENGTH = 40
OPEN_SHOWN = 30


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def relationship(request, pair):
    """Where a relationship stands: its pipeline, timeline, open promises, figures and sectors.

    A busy pair has tens of thousands of instruments: the page counts them per status but shows
    only the latest of each status, the latest events and the most urgent follow-ups. Each of
    those is an index range of the pair's rows (`agreements/models/pairs.py`)."""
    a, b = in_display_order(*pair_states(pair))
    codes = [a.code, b.code]
    pair_instruments = InstrumentPair.objects.of(a.code, b.code)
    attention = pair_attention(a, b)
    counts = attention.instruments
    # The latest few of each status: one query, a short index range per status.
    latest_order = [F("signed_on").desc(nulls_last=True), "title", "instrument"]
    per_status = [
        pair_instruments.filter(status=status)
        .order_by(*latest_order)
        .values_list("instrument", flat=True)[:SHOWN_PER_STATUS]
        for status in Instrument.Status
    ]
    latest = per_status[0].union(*per_status[1:], all=True)
    by_status = {status: [] for status in Instrument.Status}
    for instrument in (
        Instrument.objects.filter(pk__in=latest)
        .order_by(F("signed_on").desc(nulls_last=True), "title", "id")
        .prefetch_related(
            Prefetch("parties", InstrumentParty.objects.select_related("state")),
            "party_actions",
        )
    ):
        by_status[Instrument.Status(instrument.status)].append(instrument)
    pair_meetings = MeetingPair.objects.of(a.code, b.code)
    latest_meetings = pair_meetings.order_by(F("starts_on").desc(nulls_first=True), "-meeting")
    meetings = Meeting.objects.filter(
        pk__in=latest_meetings.values("meeting")[:TIMELINE_LENGTH]
    ).order_by(F("starts_on").desc(nulls_first=True), "-id")
    changes = (
        StatusChange.objects.effective()
        .filter(instrument__in=pair_instruments.values("instrument"))
        .select_related("instrument")
        .order_by("-happened_on", "-id")
    )[:TIMELINE_LENGTH]
    pair_actions = FollowUpPair.objects.of(a.code, b.code)
    open_pair_actions = pair_actions.filter(status__in=FollowUpAction.OPEN_STATUSES)
    most_urgent = open_pair_actions.order_by(F("due_on").asc(nulls_last=True), "title", "action")
    open_actions = board_queryset().filter(pk__in=most_urgent.values("action")[:OPEN_SHOWN])
    open_lines = [board_line(action) for action in open_actions]
    indicators = list(
        Indicator.objects.filter(state_a__in=codes, state_b__in=codes).order_by(
            "metric", "period_end"
        )
    )
    sectors = Sector.objects.filter(
        Exists(
            Instrument.sectors.through.objects.filter(
                sector=OuterRef("pk"), instrument__in=pair_instruments.values("instrument")
            )
        )
        | Exists(
            Meeting.sectors.through.objects.filter(
                sector=OuterRef("pk"), meeting__in=pair_meetings.values("meeting")
            )
        )
        | Exists(
            FollowUpAction.sectors.through.objects.filter(
                sector=OuterRef("pk"), followupaction__in=pair_actions.values("action")
            )
        )
    ).order_by("name")
    return render(
        request,
        "agreements/relationship.html",
        {
            "a": a,
            "b": b,
            "name": pair_name(a, b),
            "slug": pair_slug(a, b),
            "headline": headline(a, b, attention, by_status, meetings),
            "pipeline": [
                {
                    "status": status,
                    "label": status.label,
                    "count": counts.get(status, 0),
                    "instruments": by_status[status],
                    "more": counts.get(status, 0) - len(by_status[status]),
                }
                for status in Instrument.Status
            ],
            "timeline": _timeline(meetings, changes)[:TIMELINE_LENGTH],
            "open_lines": open_lines,
            "open_more": attention.open - len(open_lines),
            "charts": _indicator_charts(indicators),
            "sectors": list(sectors),
            "calendar_url": reverse(
                "calendar-pair", args=[calendar.calendar_token(request.user), pair_slug(a, b)]
            ),
        },
    )


def pair_states(pair: str) -> tuple[State, State]:
    """'KZ-IL' → the two states, in the order given; anything else is a 404."""
    try:
        found = pair_of_codes(pair)
    except ValidationError:
        raise Http404(CODES_MESSAGE) from None
    if found.first == found.second:
        raise Http404("A relationship is between two different states.")
    return found.states


def _timeline(meetings, changes) -> list[dict]:
    """Meetings and status changes, newest first, after what is proposed but not yet dated. An
    instrument's changes of one day are one line ("proposed, then signed")."""
    events = [
        {"on": meeting.starts_on, "kind": "meeting", "meeting": meeting} for meeting in meetings
    ]
    lines = {}
    for change in changes:  # newest first, so a day's earlier steps go in front
        key = (change.instrument_id, change.happened_on)
        if key not in lines:
            lines[key] = {
                "on": change.happened_on,
                "kind": "status",
                "instrument": change.instrument,
                "steps": [],
            }
            events.append(lines[key])
        lines[key]["steps"].insert(0, change.get_to_status_display().lower())
    undated = [event for event in events if event["on"] is None]
    dated = sorted((e for e in events if e["on"] is not None), key=lambda e: e["on"], reverse=True)
    return undated + dated


def _indicator_charts(indicators) -> list[dict]:
    """Per metric, a single figure as words, or several periods as a line drawn in SVG on the
    server: no script, nothing fetched."""
    charts = {}
    for indicator in indicators:
        charts.setdefault(indicator.metric, []).append(indicator)
    drawn = []
    for points in charts.values():
        top = max(float(point.value) for point in points) or 1.0
        dots = [
            {
                "indicator": point,
                "x": 60 + index * 140,
                "y": 140 - round(110 * float(point.value) / top),
                "label": f"{point.period_start:%b %Y}–{point.period_end:%b %Y}",
                "value": f"{point.value.normalize():f}",
            }
            for index, point in enumerate(points)
        ]
        drawn.append(
            {
                "title": points[0].get_metric_display(),
                "unit": points[0].unit,
                "dots": dots,
                "line": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
                "width": 120 + 140 * (len(dots) - 1),
                "is_series": len(dots) > 1,
            }
        )
    return drawn
