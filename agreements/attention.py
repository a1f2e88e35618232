"""What needs a manager's attention in each relationship, counted and said in plain words.

The counts come from the pair rows (`agreements/models/pairs.py`), so that the home page costs
the same at 10,000 instruments as at a million:

- what does not depend on the date (open, undated and unassigned follow-ups; instruments per
  status) is kept counted by triggers, one row per pair and kind;
- what does (overdue, due soon, stale) is worked out from the few open follow-ups that are *not*
  overdue or stale: those due from today on, agreed in the last 90 days or updated since. A
  follow-up's past only grows; its future stays short.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.db.models import Q, Sum

from agreements.models import (
    DUE_SOON_DAYS,
    STALE_AFTER_DAYS,
    FollowUpAction,
    FollowUpPairCount,
    Instrument,
    InstrumentPairCount,
    today,
)
from agreements.models.reference import ordered_pair

# Signed (or applied) and not yet in force: waiting on a party's step or on the date its rule sets.
WAITING_STATUSES = [Instrument.Status.SIGNED.value, Instrument.Status.PROVISIONALLY_APPLIED.value]
# The road from intent to in force, in the order the line reads it.
ROAD = [
    Instrument.Status.PROPOSED,
    Instrument.Status.UNDER_NEGOTIATION,
    Instrument.Status.TEXT_AGREED,
    Instrument.Status.SIGNED,
    Instrument.Status.PROVISIONALLY_APPLIED,
    Instrument.Status.IN_FORCE,
    Instrument.Status.SUSPENDED,
]


@dataclass
class Attention:
    """One relationship's instruments per status and open follow-ups by what they lack."""

    codes: tuple[str, str]
    instruments: dict[str, int] = field(default_factory=dict)
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    stale: int = 0
    unassigned: int = 0
    undated: int = 0
    next_due: datetime.date | None = None

    @cached_property
    def waiting(self) -> int:
        """Instruments signed (or provisionally applied) and not yet in force."""
        return sum(self.instruments.get(status, 0) for status in WAITING_STATUSES)

    @property
    def needs_attention(self) -> bool:
        return any(self.rank[:-1])

    @cached_property
    def rank(self) -> tuple[int, ...]:
        """Most urgent first: what is late, then what falls due, then what is neglected (stale,
        without an owner or a date), then instruments waiting for entry into force."""
        neglected = self.stale + self.unassigned + self.undated
        return (self.overdue, self.due_soon, neglected, self.waiting, self.open)

    def instruments_in_words(self) -> str:
        """ "1 proposed, 5 signed, none in force"."""
        parts = [
            f"{self.instruments[status]} {status.label.lower()}"
            for status in ROAD
            if self.instruments.get(status)
        ]
        if not parts:
            return "no instruments"
        if self.waiting and not self.instruments.get(Instrument.Status.IN_FORCE):
            parts.append("none in force")
        return ", ".join(parts)

    def promises_in_words(self) -> str:
        """ "4 open promises: all stale, 3 without an owner, none dated"."""
        if not self.open:
            return "no open promises"
        every = self.open

        def share(count: int, words: str) -> str | None:
            if not count:
                return None
            return f"all {words}" if count == every and every > 1 else f"{count} {words}"

        details = [
            share(self.overdue, "overdue"),
            share(self.due_soon, f"due within {DUE_SOON_DAYS} days"),
            share(self.stale, "stale"),
            share(self.unassigned, "without an owner"),
            "none dated" if self.undated == every else share(self.undated, "undated"),
        ]
        details = [detail for detail in details if detail]
        head = f"{every} open promise{'s' if every != 1 else ''}"
        return f"{head}: {', '.join(details)}" if details else f"{head}, all on track"

    def in_words(self) -> str:
        return f"{self.instruments_in_words()} · {self.promises_in_words()}"


def attention_by_pair(pair: tuple[str, str] | None = None) -> dict[tuple[str, str], Attention]:
    """Every relationship with anything recorded (or just `pair`), keyed by its stored codes.
    Three queries: instrument counts, follow-up counts, and the date-relative counts."""
    on = today()
    found: dict[tuple[str, str], Attention] = {}

    def entry(code_a: str, code_b: str) -> Attention:
        key = (code_a, code_b)
        if key not in found:
            found[key] = Attention(key)
        return found[key]

    instrument_counts = InstrumentPairCount.objects.filter(instruments__gt=0)
    follow_up_counts = FollowUpPairCount.objects.filter(
        actions__gt=0, status__in=FollowUpAction.OPEN_STATUSES
    )
    if pair:
        instrument_counts = instrument_counts.of(*pair)
        follow_up_counts = follow_up_counts.of(*pair)
    for code_a, code_b, status, count in instrument_counts.values_list(
        "state_a", "state_b", "status", "instruments"
    ):
        entry(code_a, code_b).instruments[status] = count
    for row in follow_up_counts.values("state_a", "state_b").annotate(
        open=Sum("actions"),
        undated=Sum("actions", filter=Q(is_dated=False), default=0),
        unassigned=Sum("actions", filter=Q(is_assigned=False), default=0),
    ):
        counted = entry(row["state_a"], row["state_b"])
        counted.open, counted.undated = row["open"], row["undated"]
        counted.unassigned = row["unassigned"]
    # Every dated open follow-up is overdue and every open one stale, but for the recent few.
    for counted in found.values():
        counted.overdue = counted.open - counted.undated
        counted.stale = counted.open
    for code_a, code_b, not_overdue, due_soon, fresh, next_due in _recent_follow_ups(on, pair):
        counted = entry(code_a, code_b)
        counted.overdue -= not_overdue
        counted.due_soon, counted.next_due = due_soon, next_due
        counted.stale -= fresh
    return found


def _recent_follow_ups(on: datetime.date, pair: tuple[str, str] | None):
    """Per pair with any: open follow-ups due from today on (not overdue), of those the ones due
    within the window, those agreed or updated since the stale cutoff (not stale), and the next
    due date.

    SQL of its own: the union of three short index ranges, which the ORM cannot group."""
    cutoff = on - datetime.timedelta(days=STALE_AFTER_DAYS)
    only_pair = "AND p.state_a = %(a)s AND p.state_b = %(b)s" if pair else ""
    a, b = ordered_pair(*pair) if pair else ("", "")
    open_statuses = [str(status) for status in FollowUpAction.OPEN_STATUSES]
    sql = f"""
        SELECT state_a, state_b,
               count(DISTINCT action_id) FILTER (WHERE due_on >= %(on)s),
               count(DISTINCT action_id) FILTER (WHERE due_on BETWEEN %(on)s AND %(soon)s),
               count(DISTINCT action_id) FILTER (WHERE fresh),
               min(due_on)
        FROM (
            SELECT p.state_a, p.state_b, p.action_id, p.due_on, false AS fresh
            FROM agreements_followuppair p
            WHERE p.status = ANY(%(open)s) AND p.due_on IS NOT NULL AND p.due_on >= %(on)s
                {only_pair}
            UNION ALL
            SELECT p.state_a, p.state_b, p.action_id, NULL, true
            FROM agreements_followuppair p
            WHERE p.status = ANY(%(open)s) AND p.agreed_on >= %(cutoff)s {only_pair}
            UNION ALL
            SELECT p.state_a, p.state_b, p.action_id, NULL, true
            FROM agreements_followuppair p
            JOIN (
                SELECT DISTINCT action_id FROM agreements_actionupdate
                WHERE happened_on >= %(cutoff)s
            ) updated USING (action_id)
            WHERE p.status = ANY(%(open)s) {only_pair}
        ) recent
        GROUP BY 1, 2
    """
    params = {
        "on": on,
        "soon": on + datetime.timedelta(days=DUE_SOON_DAYS),
        "cutoff": cutoff,
        "open": open_statuses,
        "a": a,
        "b": b,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
