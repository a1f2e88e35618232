"""An instrument's term, stored: the period of its duration running when it was last worked out
(its first day, its end, and the first date that matters for it: the last day to give notice,
or the end when no notice period is recorded), kept on the instrument and copied to its pair rows,
so that the radar's expiries and renewals are index ranges instead of a date worked out for each
instrument on every request (the rules are in docs/lifecycle.md; agreements/radar.py reads them).

A fixed term has one period, from the beginning of time to `in_force_on` + `duration_years`.
A tacitly renewed instrument's period moves on at each renewal, so its stored period is right for
a day `on` only when `term_starts_on <= on < term_ends_on`. The trigger below works it out for
the day of the write; `roll_terms` (the worker, hourly) works it out again for the instruments
whose stored period has ended (the audit trail leaves these columns out, so neither writes an
event); the radar works out the few rows whose stored period does not hold
on the day it is asked about (ended since the last roll, or asked about another day) with the
same expression (`RENEWAL_END`), so it is never wrong for want of a roll.

The one rule in SQL is `PERIOD` below: which period runs on a day (the Python statement of it,
which says why, is `agreements.radar.current_term`; the tests hold the two to the same edges).
"""

import datetime

import pgtrigger
from django.db import connection

from agreements.models.instruments import RUNNING, Instrument

# The first day of the first period: any day before the end is in it (`current_term`).
FIRST_DAY = datetime.date.min

# Whether an instrument has a term at all.
HAS_TERM = "{t}.duration_years > 0 AND {t}.in_force_on IS NOT NULL"
# The end of its K-th period: K whole durations after the entry into force, each counted from it
# (29 February 2024 + 4 years is 29 February 2028, not the 28th carried forward).
_BOUNDARY = "({t}.in_force_on + make_interval(months => 12 * {t}.duration_years * ({k})))::date"
# The period running on `on` of a tacitly renewed one: the first whose end is after `on` (a
# renewal dated `on` has happened). age() counts whole years; from a 29 February it can count one
# short (28 February is a year later for add_months, not for age), hence the CASE.
_PERIODS = (
    "greatest(1, extract(year FROM age({on}, {t}.in_force_on))::integer / {t}.duration_years + 1)"
)
PERIOD = (
    f"CASE WHEN {_BOUNDARY.format(t='{t}', k=_PERIODS)} <= {{on}} "
    f"THEN {_PERIODS} + 1 ELSE {_PERIODS} END"
)
# The end of a fixed term; the end of the running period of a tacitly renewed one.
TERM_END = _BOUNDARY.format(t="{t}", k="1")
RENEWAL_END = _BOUNDARY.format(t="{t}", k=PERIOD)
NOTICE = "make_interval(months => coalesce({t}.notice_months, 0))"

_ENDS = f"CASE WHEN {{t}}.renews_tacitly THEN {RENEWAL_END} ELSE {TERM_END} END"
_STARTS = (
    f"CASE WHEN {{t}}.renews_tacitly AND {PERIOD} > 1 "
    f"THEN {_BOUNDARY.format(t='{t}', k=PERIOD + ' - 1')} "
    f"ELSE date '{FIRST_DAY.isoformat()}' END"
)
# Each stored column, worked out for `{t}` (a table, or NEW in the trigger) on the day `{on}`.
WORKED_OUT = {
    "term_starts_on": _STARTS,
    "term_ends_on": _ENDS,
    "term_matters_on": f"({_ENDS} - {NOTICE})::date",
}
# The columns the pair rows copy.
COLUMNS = ["renews_tacitly", *WORKED_OUT]


def worked_out(t: str, on: str) -> dict:
    """{column: its SQL} for the rows `t` on the day `on` (SQL), NULL without a term."""
    has_term = HAS_TERM.format(t=t)
    return {
        column: f"CASE WHEN {has_term} THEN {sql.format(t=t, on=on)} END"
        for column, sql in WORKED_OUT.items()
    }


# Worked out on every write of what it depends on (and of the status: an instrument back in
# force after a suspension gets a period that holds today).
pgtrigger.register(
    pgtrigger.Trigger(
        name="term",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert
        | pgtrigger.UpdateOf(
            "in_force_on", "duration_years", "renews_tacitly", "notice_months", "status"
        ),
        func="".join(
            f"NEW.{column} := {sql}; " for column, sql in worked_out("NEW", "current_date").items()
        )
        + "RETURN NEW;",
    )
)(Instrument)


def _assignments(table: str) -> str:
    """SET's list for an UPDATE of `table` that works out every stored column for `%(on)s`."""
    return ", ".join(
        f"{column} = {sql}" for column, sql in worked_out(table, "%(on)s::date").items()
    )


def roll_terms(on: datetime.date) -> int:
    """Works out again, for `on`, the period of the running instruments that renew tacitly and
    whose stored period ended on or before `on` (the worker's hourly job; an index range of those
    renewed since the last roll). Returns
    how many it rolled forward; the pair rows follow (the `pair_columns` trigger)."""
    table = Instrument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {_assignments(table)} "
            f"WHERE {table}.status IN {RUNNING} AND {table}.renews_tacitly "
            f"AND {table}.term_ends_on <= %(on)s",
            {"on": on},
        )
        return cursor.rowcount


def work_out_terms(on: datetime.date | None = None) -> int:
    """Works out every instrument's term for `on` (default: the database's today), in one
    statement: after a load with triggers off, as `bench/generate.py` does (the pair rows copy it
    when they are rebuilt), and in the tests, to say on which day it was last worked out."""
    table = Instrument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {_assignments(table)} WHERE {HAS_TERM.format(t=table)}",
            {"on": on or "today"},
        )
        return cursor.rowcount
