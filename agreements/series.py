"""Recurring commitments: where a meeting series stands. Its last round is its latest held
meeting; with an expected interval, the next round is due that many months after it; a series
past due with no round scheduled is overdue (listed on the radar and the relationship page)."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery

from agreements.models import Meeting, MeetingSeries, add_months
from agreements.models.reference import ordered_pair

HELD = Meeting.Status.HELD
SCHEDULED = Meeting.Status.SCHEDULED


def series_with_rounds(queryset=None):
    """Series with what their state needs: the last held round's date and number, and whether a
    round is scheduled (one query)."""
    queryset = MeetingSeries.objects.all() if queryset is None else queryset
    held = Meeting.objects.filter(series=OuterRef("pk"), status=HELD)
    # A held round without a date says nothing of when the next is due (the radar's SQL, max()).
    last_held = held.filter(starts_on__isnull=False).order_by("-starts_on", "-id")
    return queryset.select_related("state_a", "state_b").annotate(
        last_held_on=Subquery(last_held.values("starts_on")[:1]),
        last_round=Subquery(last_held.values("round_number")[:1]),
        has_scheduled_round=Exists(Meeting.objects.filter(series=OuterRef("pk"), status=SCHEDULED)),
    )


@dataclass(frozen=True)
class SeriesState:
    last_held_on: datetime.date | None
    last_round: int | None
    next_due_on: datetime.date | None
    is_overdue: bool


def series_state(series: MeetingSeries, *, on: datetime.date) -> SeriesState:
    """From `series_with_rounds`: the next round is due `interval_months` after the last one
    (not on the day itself: a round held exactly a year later is on time); without an interval
    or a held round, nothing is due."""
    last = series.last_held_on
    next_due_on = (
        add_months(last, series.interval_months) if last and series.interval_months else None
    )
    is_overdue = bool(next_due_on and next_due_on < on and not series.has_scheduled_round)
    return SeriesState(last, series.last_round, next_due_on, is_overdue)


def series_of_pair(code_a: str, code_b: str):
    first, second = ordered_pair(code_a, code_b)
    return MeetingSeries.objects.filter(state_a__in=[first, second], state_b__in=[first, second])
