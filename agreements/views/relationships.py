"""A relationship's page: where two states stand with each other."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from agreements import calendar
from agreements.attention import WAITING_STATUSES, Attention, attention_by_pair
from agreements.models import (
    FollowUpAction,
    Indicator,
    Instrument,
    InstrumentParty,
    Meeting,
    Sector,
    State,
    StatusChange,
    today,
)
from agreements.models.pairs import FollowUpPair, InstrumentPair, MeetingPair
from agreements.models.reference import in_display_order, pair_name, pair_slug
from agreements.views.follow_ups import board_line, board_queryset

# What the relationship page shows of a busy pair; the counts are whole.
SHOWN_PER_STATUS = 20
# The headline names at most this many instruments waiting for entry into force.
WAITING_NAMED = 3
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
    attention = attention_by_pair((a.code, b.code)).get(
        tuple(sorted((a.code, b.code))), Attention((a.code, b.code))
    )
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
            "headline": _headline(a, b, attention, by_status, meetings),
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
    codes = pair.upper().split("-")
    states = {state.code: state for state in State.objects.filter(code__in=codes)}
    if len(codes) != 2 or len(states) != 2:
        raise Http404("A relationship is two ISO 3166-1 alpha-2 codes joined by a hyphen: KZ-IL.")
    return states[codes[0]], states[codes[1]]


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


def _headline(a, b, attention: Attention, by_status, meetings) -> list[str]:
    """Where the relationship stands, in three or four sentences: what is in force, what is
    signed and waiting on whom, how the promises stand, the last and the next meeting."""
    between = f"between {a.name} and {b.name}"
    in_force = attention.instruments.get(Instrument.Status.IN_FORCE, 0)
    sentences = [
        f"{_count(in_force, 'instrument')} {'is' if in_force == 1 else 'are'} in force {between}"
        f" ({attention.instruments_in_words()})."
        if in_force
        else f"Nothing is in force {between} yet ({attention.instruments_in_words()})."
    ]
    if attention.waiting:
        sentences.append(_waiting_sentence(attention.waiting, by_status))
    promises = attention.promises_in_words()
    sentences.append(f"{promises[0].upper()}{promises[1:]}.")
    on = today()
    held = [m for m in meetings if m.starts_on and m.starts_on <= on]
    coming = [
        m
        for m in meetings
        if m.status in (Meeting.Status.PROPOSED, Meeting.Status.SCHEDULED)
        and (m.starts_on is None or m.starts_on >= on)
    ]
    coming.sort(key=lambda m: (m.starts_on is None, m.starts_on or on))
    if held:
        # Of the meetings of the last day, the weightiest (Meeting.KIND_WEIGHT).
        last_day = [m for m in held if m.starts_on == held[0].starts_on]
        last = min(last_day, key=lambda m: m.weight)
        others = f" (and {_count(len(last_day) - 1, 'more meeting')} that day)" * (
            len(last_day) > 1
        )
        meeting = f"The last meeting was the {last} on {date_format(last.starts_on)}{others}"
    else:
        meeting = "No meeting is recorded yet"
    if coming:
        nearest = coming[0]
        when = date_format(nearest.starts_on) if nearest.starts_on else "not yet dated"
        meeting += f"; next: the {nearest} ({nearest.get_status_display().lower()}, {when})"
    else:
        meeting += "; none is planned"
    sentences.append(meeting + ".")
    return sentences


def _waiting_sentence(waiting: int, by_status) -> str:
    """ "5 signed instruments wait for entry into force: X is waiting for Israel's notification
    ...; 4 have no rule of entry into force recorded." Those waiting on a party come first."""
    reasons, unruled = [], 0
    for instrument in (i for status in WAITING_STATUSES for i in by_status[status]):
        projection = instrument.entry_into_force()
        if projection.missing_steps:
            steps = ", ".join(str(step) for step in projection.missing_steps)
            reasons.insert(0, f"{instrument} is {steps}")
        elif projection.projected_on:
            reasons.append(
                f"{instrument} enters into force on {date_format(projection.projected_on)}"
            )
        else:
            unruled += 1
    if not reasons and unruled == waiting:
        return (
            f"{_count(waiting, 'signed instrument')} {'is' if waiting == 1 else 'are'} not yet in"
            f" force, and {'its' if waiting == 1 else 'none has its'} rule of entry into force"
            f"{' is not' if waiting == 1 else ''} recorded."
        )
    named = reasons[:WAITING_NAMED]
    if len(reasons) > WAITING_NAMED:
        named.append(f"{len(reasons) - WAITING_NAMED} more wait on a party or a date")
    if unruled:
        verb = "has" if unruled == 1 else "have"
        named.append(f"{unruled} {verb} no rule of entry into force recorded")
    listed = len(reasons) + unruled
    if waiting > listed:
        named.append(f"{waiting - listed} more are not shown here")
    verb = "waits" if waiting == 1 else "wait"
    return (
        f"{_count(waiting, 'signed instrument')} {verb} for entry into force: {'; '.join(named)}."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


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
