"""The radar: what is stuck, what falls due, and what may be closed, worked out from what is
recorded (statuses and their dates, the entry-into-force rule's missing steps, duration, tacit
renewal, notice period, links between instruments). Nothing here writes: an instrument that has
expired or been replaced is *offered* for termination, and an analyst records it through the
ordinary status change. The rules and their reasons are in docs/lifecycle.md.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery, TextChoices
from django.urls import reverse
from django.utils.http import urlencode

from agreements.models import (
    Instrument,
    InstrumentLink,
    InstrumentParty,
    MeetingSeries,
    StatusChange,
    add_months,
    today,
)
from agreements.models.entry_into_force import ordinal
from agreements.series import series_state, series_with_rounds

Status = Instrument.Status

# An instrument still being worked out with no status change for this long is going nowhere.
GOING_NOWHERE_MONTHS = 12
# Expiries and renewals are listed from this many months before the first date that matters.
LOOK_AHEAD_MONTHS = 18

STILL_BEING_WORKED_OUT = [Status.PROPOSED, Status.UNDER_NEGOTIATION, Status.TEXT_AGREED]
RUNNING = [Status.IN_FORCE, Status.SUSPENDED]
# What the lifecycle lets an analyst terminate (Instrument.TRANSITIONS).
TERMINABLE = [
    status for status, nexts in Instrument.TRANSITIONS.items() if Status.TERMINATED in nexts
]


class Rule(TextChoices):
    STALLED = "stalled", "Stalled after signature"
    LONG_PROVISIONAL = "long_provisional", "Long provisional application"
    GOING_NOWHERE = "going_nowhere", "Going nowhere"
    EXPIRY = "expiry", "Expires"
    RENEWAL = "renewal", "Renews tacitly"
    EXPIRED = "expired", "Expired"
    REPLACED = "replaced", "Replaced"
    SERIES_OVERDUE = "series_overdue", "Next round overdue"


# --- Dates ------------------------------------------------------------------------------------


def is_older_than(day: datetime.date, months: int, on: datetime.date) -> bool:
    """More than `months` months before `on`: exactly 12 months is not more than 12."""
    return day < add_months(on, -months)


@dataclass(frozen=True)
class Term:
    """Where an instrument's duration stands on a day: the end of the current period, whether it
    renews then, and the last day to give notice for that end (None without a notice period)."""

    ends_on: datetime.date
    renews: bool
    notice_by: datetime.date | None
    period: int  # 1 for the first period, 2 for the first renewal…


def current_term(
    *,
    in_force_on: datetime.date,
    duration_years: int,
    renews_tacitly: bool,
    notice_months: int | None,
    on: datetime.date,
) -> Term:
    """The period running on `on`. Without tacit renewal that is the only one, even when it has
    ended; with it, the periods repeat for the same duration, each counted from the entry into
    force (so 29 February 2024 + 4 years is 29 February 2028, not the 28th carried forward), and
    a renewal dated today has happened: the next one is reported."""
    period = 1
    if renews_tacitly:
        # Start near the answer instead of counting from the first period; the loop corrects it.
        period = max(1, (on.year - in_force_on.year) // duration_years)
        while period > 1 and add_months(in_force_on, 12 * duration_years * period) > on:
            period -= 1
        while add_months(in_force_on, 12 * duration_years * period) <= on:
            period += 1
    ends_on = add_months(in_force_on, 12 * duration_years * period)
    notice_by = add_months(ends_on, -notice_months) if notice_months else None
    return Term(ends_on=ends_on, renews=renews_tacitly, notice_by=notice_by, period=period)


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _months(n: int) -> str:
    return f"{n} month{'s' if n != 1 else ''}"


def _years(n: int) -> str:
    return f"{n} year{'s' if n != 1 else ''}"


# --- Items ------------------------------------------------------------------------------------


@dataclass
class RadarItem:
    """One thing on the radar: why it is listed, about what, and what may be done about it."""

    rule: str
    why: str
    instrument: Instrument | None = None
    series: object = None  # a MeetingSeries, for an overdue round
    since_on: datetime.date | None = None
    due_on: datetime.date | None = None
    notice_by: datetime.date | None = None
    waiting_for: list[str] = field(default_factory=list)
    offer_termination: str = ""  # an Instrument.TerminationType, or "" when nothing is offered
    offer_on: datetime.date | None = None
    party_codes: list[str] = field(default_factory=list)

    @property
    def rule_label(self) -> str:
        return Rule(self.rule).label

    @property
    def title(self) -> str:
        return str(self.instrument if self.instrument is not None else self.series)

    @property
    def url(self) -> str:
        if self.instrument is not None:
            return reverse("instrument-page", args=[self.instrument.pk])
        return reverse("relationship", args=["-".join(self.party_codes)])

    @property
    def offer_url(self) -> str:
        """The admin's status-change form, filled in; the analyst reads it and saves (or not)."""
        if not self.offer_termination:
            return ""
        query = urlencode(
            {
                "to": Status.TERMINATED,
                "termination_type": self.offer_termination,
                "date": self.offer_on.isoformat(),
                "note": self.why,
            }
        )
        path = reverse("admin:agreements_instrument_transition", args=[self.instrument.pk])
        return f"{path}?{query}"

    @property
    def sort_key(self):
        return (list(Rule).index(self.rule), self.due_on or self.since_on or datetime.date.min)


def radar_instruments(instruments, *, on: datetime.date):
    """The instruments some rule may list, with what the rules read: three queries after this
    one (parties with their states, party actions, the in-force instruments replacing them).

    The SQL selects by status and dates; the rules below say exactly what is listed and why."""
    stalled_before = add_months(on, -settings.STALLED_AFTER_MONTHS)
    nowhere_before = add_months(on, -GOING_NOWHERE_MONTHS)
    replacing = InstrumentLink.objects.filter(
        relation=InstrumentLink.Relation.REPLACES, instrument__status=Status.IN_FORCE
    )
    latest_change_on = (
        StatusChange.objects.effective()
        .filter(instrument=OuterRef("pk"))
        .order_by("-happened_on", "-id")
        .values("happened_on")[:1]
    )
    return (
        instruments.annotate(status_since=Subquery(latest_change_on))
        .filter(
            Q(status=Status.SIGNED, signed_on__lt=stalled_before)
            | Q(status=Status.PROVISIONALLY_APPLIED, status_since__lt=stalled_before)
            | Q(status__in=STILL_BEING_WORKED_OUT, status_since__lt=nowhere_before)
            | Q(status__in=RUNNING, duration_years__isnull=False, in_force_on__isnull=False)
            | Q(status__in=TERMINABLE) & Exists(replacing.filter(target=OuterRef("pk")))
        )
        .prefetch_related(
            Prefetch("parties", InstrumentParty.objects.select_related("state")),
            "party_actions",
            Prefetch(
                "linked_from",
                replacing.select_related("instrument").order_by("instrument__in_force_on", "id"),
                to_attr="replaced_by_links",
            ),
        )
        .order_by("pk")
    )


def instrument_items(instrument: Instrument, *, on: datetime.date) -> list[RadarItem]:
    """Every rule that lists this instrument on `on` (read from `radar_instruments`)."""
    months = settings.STALLED_AFTER_MONTHS
    codes = sorted(party.state_id for party in instrument.parties.all())
    items = []

    def item(rule, why, **fields):
        items.append(RadarItem(rule, why, instrument=instrument, party_codes=codes, **fields))

    since = getattr(instrument, "status_since", None)
    if instrument.status == Status.SIGNED and is_older_than(instrument.signed_on, months, on):
        projection = instrument.entry_into_force()
        waiting = [str(step) for step in projection.missing_steps]
        if not waiting and projection.projected_on:
            waiting = [f"enters into force on {_long_date(projection.projected_on)} under its rule"]
        elif not waiting:
            waiting = [projection.explanation]
        item(
            Rule.STALLED,
            f"Signed on {_long_date(instrument.signed_on)} and not in force after more than "
            f"{_months(months)}.",
            since_on=instrument.signed_on,
            waiting_for=waiting,
        )
    if instrument.status == Status.PROVISIONALLY_APPLIED and is_older_than(since, months, on):
        item(
            Rule.LONG_PROVISIONAL,
            f"Provisionally applied since {_long_date(since)}, more than {_months(months)}, "
            "and not in force.",
            since_on=since,
            waiting_for=[str(step) for step in instrument.entry_into_force().missing_steps],
        )
    if instrument.status in STILL_BEING_WORKED_OUT and is_older_than(
        since, GOING_NOWHERE_MONTHS, on
    ):
        item(
            Rule.GOING_NOWHERE,
            f"{instrument.get_status_display()} since {_long_date(since)}: no status change for "
            f"more than {_months(GOING_NOWHERE_MONTHS)}.",
            since_on=since,
        )
    if instrument.status in RUNNING and instrument.duration_years and instrument.in_force_on:
        _term_item(instrument, on, item)
    for link in getattr(instrument, "replaced_by_links", [])[:1]:
        if instrument.status in TERMINABLE:
            replacement = link.instrument
            item(
                Rule.REPLACED,
                f"Replaced by “{replacement}”, in force since "
                f"{_long_date(replacement.in_force_on)}.",
                since_on=replacement.in_force_on,
                offer_termination=Instrument.TerminationType.REPLACED,
                offer_on=max(replacement.in_force_on, since or replacement.in_force_on),
            )
    return items


def _term_item(instrument: Instrument, on: datetime.date, item) -> None:
    """Expiry or renewal: listed from LOOK_AHEAD_MONTHS before the first date that matters (the
    last day to give notice, or the end of the period); an ended period without tacit renewal
    is offered for termination as expired."""
    term = current_term(
        in_force_on=instrument.in_force_on,
        duration_years=instrument.duration_years,
        renews_tacitly=instrument.renews_tacitly,
        notice_months=instrument.notice_months,
        on=on,
    )
    if not term.renews and term.ends_on <= on:
        item(
            Rule.EXPIRED,
            f"Its {_years(instrument.duration_years)} from entry into force ended on "
            f"{_long_date(term.ends_on)} and it does not renew itself.",
            due_on=term.ends_on,
            offer_termination=Instrument.TerminationType.EXPIRED,
            offer_on=term.ends_on,
        )
        return
    first_that_matters = min(term.notice_by or term.ends_on, term.ends_on)
    if first_that_matters > add_months(on, LOOK_AHEAD_MONTHS):
        return
    if term.notice_by is None:
        notice = "No notice period is recorded."
    elif term.notice_by < on:
        notice = f"The last day to give notice ({_long_date(term.notice_by)}) has passed."
    else:
        notice = (
            f"Last day to give notice: {_long_date(term.notice_by)} "
            f"({_months(instrument.notice_months)} before)."
        )
    if term.renews:
        item(
            Rule.RENEWAL,
            f"Renews on {_long_date(term.ends_on)} for another "
            f"{_years(instrument.duration_years)} unless a party gives notice. {notice}",
            due_on=term.ends_on,
            notice_by=term.notice_by,
        )
    else:
        item(
            Rule.EXPIRY,
            f"Expires on {_long_date(term.ends_on)}, {_years(instrument.duration_years)} after "
            f"entry into force. {notice}",
            due_on=term.ends_on,
            notice_by=term.notice_by,
        )


def series_items(series, *, on: datetime.date) -> list[RadarItem]:
    """Meeting series whose next round is overdue with none scheduled (one query)."""
    items = []
    for one in series_with_rounds(series):
        state = series_state(one, on=on)
        if not state.is_overdue:
            continue
        last = f"the {ordinal(state.last_round)} round" if state.last_round else "the last round"
        items.append(
            RadarItem(
                Rule.SERIES_OVERDUE,
                f"{last.capitalize()} was held on {_long_date(state.last_held_on)}; rounds are "
                f"expected every {_months(one.interval_months)}, so the next was due by "
                f"{_long_date(state.next_due_on)}, and none is scheduled.",
                series=one,
                since_on=state.last_held_on,
                due_on=state.next_due_on,
                party_codes=sorted([one.state_a_id, one.state_b_id]),
            )
        )
    return items


def radar_items(
    instruments=None, *, on: datetime.date | None = None, series=None
) -> list[RadarItem]:
    """Everything on the radar for these instruments and meeting series (default: all of each)
    on `on` (default: today), most pressing rule first, then by date. A fixed number of queries
    whatever the count: four for the instruments, one for the series."""
    on = on or today()
    if instruments is None:
        instruments = Instrument.objects.all()
    items = []
    for instrument in radar_instruments(instruments, on=on):
        items.extend(instrument_items(instrument, on=on))
    items.extend(series_items(MeetingSeries.objects.all() if series is None else series, on=on))
    return sorted(items, key=lambda item: item.sort_key)


def radar_counts_by_pair(*, on: datetime.date | None = None, items=None) -> Counter:
    """How many radar items each pair of states has, {("IL", "KZ"): 3}, for the home page; an
    instrument of three parties counts for each of its pairs. Five queries (`radar_items`)."""
    counts = Counter()
    for item in radar_items(on=on) if items is None else items:
        for pair in combinations(sorted(set(item.party_codes)), 2):
            counts[pair] += 1
    return counts
