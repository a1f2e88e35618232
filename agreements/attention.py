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

from agreements.models import (
    DUE_SOON_DAYS,
    STALE_AFTER_DAYS,
    FollowUpAction,
    Instrument,
    today,
)
from agreements.models.reference import ordered_pair

# Signed (or applied) and not yet in force: waiting on a party's step or on the date its rule sets.
WAITING_STATUSES = (str(Instrument.Status.SIGNED), str(Instrument.Status.PROVISIONALLY_APPLIED))
# The line reads the road, then what is suspended (terminated and abandoned need no one).
ROAD = [*Instrument.ROAD, Instrument.Status.SUSPENDED]


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
    # Instruments signed (or provisionally applied) and not yet in force.
    waiting: int = 0

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

    One query, one row per pair: a busy world has a few thousand pairs and each has up to nine
    instrument counts and a dozen follow-up counts, which PostgreSQL adds up faster than Python."""
    on = today()
    only_pair = "AND state_a = %(a)s AND state_b = %(b)s" if pair else ""
    recent = _RECENT.format(only_pair="AND p.state_a = %(a)s AND p.state_b = %(b)s" if pair else "")
    a, b = ordered_pair(*pair) if pair else ("", "")
    sql = f"""
        WITH instruments AS (
            SELECT state_a, state_b,
                   -- The two arrays see the rows in the same order: status i has count i.
                   array_agg(status) AS status_codes, array_agg(instruments) AS per_status,
                   coalesce(sum(instruments) FILTER (WHERE status = ANY(%(waiting)s)), 0)
                       AS waiting
            FROM agreements_instrumentpaircount
            WHERE instruments > 0 {only_pair}
            GROUP BY 1, 2
        ), follow_ups AS (
            SELECT state_a, state_b, sum(actions) AS open,
                   coalesce(sum(actions) FILTER (WHERE NOT is_dated), 0) AS undated,
                   coalesce(sum(actions) FILTER (WHERE NOT is_assigned), 0) AS unassigned
            FROM agreements_followuppaircount
            WHERE actions > 0 AND status = ANY(%(open)s) {only_pair}
            GROUP BY 1, 2
        ), recent AS ({recent})
        SELECT state_a, state_b, i.status_codes, i.per_status, coalesce(i.waiting, 0),
               coalesce(f.open, 0), coalesce(f.undated, 0), coalesce(f.unassigned, 0),
               coalesce(r.not_overdue, 0), coalesce(r.due_soon, 0), coalesce(r.fresh, 0),
               r.next_due
        FROM instruments i
        FULL JOIN follow_ups f USING (state_a, state_b)
        FULL JOIN recent r USING (state_a, state_b)
    """
    params = {
        "waiting": list(WAITING_STATUSES),
        "on": on,
        "soon": on + datetime.timedelta(days=DUE_SOON_DAYS),
        "cutoff": on - datetime.timedelta(days=STALE_AFTER_DAYS),
        "open": [str(status) for status in FollowUpAction.OPEN_STATUSES],
        "a": a,
        "b": b,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        (code_a, code_b, codes, counts, waiting, open_, undated, unassigned) = row[:8]
        not_overdue, due_soon, fresh, next_due = row[8:]
        # Every dated open follow-up is overdue and every open one stale, but for the recent few.
        found[(code_a, code_b)] = Attention(
            (code_a, code_b),
            instruments=dict(zip(codes or [], counts or [], strict=True)),
            waiting=waiting,
            open=open_,
            undated=undated,
            unassigned=unassigned,
            overdue=open_ - undated - not_overdue,
            due_soon=due_soon,
            stale=open_ - fresh,
            next_due=next_due,
        )
    return found


# Per pair with any: open follow-ups due from today on (not overdue), of those the ones due
# within the window, those agreed or updated since the stale cutoff (not stale), and the next due
# date: the union of three short index ranges.
_RECENT = """
    SELECT state_a, state_b,
           count(DISTINCT action_id) FILTER (WHERE due_on >= %(on)s) AS not_overdue,
           count(DISTINCT action_id) FILTER (WHERE due_on BETWEEN %(on)s AND %(soon)s)
               AS due_soon,
           count(DISTINCT action_id) FILTER (WHERE fresh) AS fresh,
           min(due_on) AS next_due
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
