"""The radar: what is stuck, what falls due, and what may be closed, worked out from what is
recorded (statuses and their dates, the entry-into-force rule's missing steps, duration, tacit
renewal, notice period, links between instruments). Nothing here writes: an instrument that has
expired or been replaced is *offered* for termination, and an analyst records it through the
ordinary status change. The rules and their reasons are in docs/lifecycle.md.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, DateField, Exists, OuterRef, Prefetch, Q, TextChoices
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.http import urlencode

from agreements.lists import paging
from agreements.models import (
    Instrument,
    InstrumentLink,
    InstrumentParty,
    MeetingSeries,
    add_months,
    today,
)
from agreements.models.entry_into_force import ordinal
from agreements.models.instruments import RUNNING
from agreements.models.pairs import InstrumentPair
from agreements.models.terms import NOTICE, RENEWAL_END
from agreements.series import series_state, series_with_rounds

Status = Instrument.Status

# An instrument still being worked out with no status change for this long is going nowhere.
GOING_NOWHERE_MONTHS = 12
# Expiries and renewals are listed from this many months before the first date that matters.
LOOK_AHEAD_MONTHS = 18

STILL_BEING_WORKED_OUT = [Status.PROPOSED, Status.UNDER_NEGOTIATION, Status.TEXT_AGREED]
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


def radar_instruments(ids):
    """The instruments of a radar page with what the rules read: three queries after this one
    (parties with their states, party actions, the in-force instruments replacing them)."""
    replacing = InstrumentLink.objects.filter(
        relation=InstrumentLink.Relation.REPLACES, instrument__status=Status.IN_FORCE
    )
    return Instrument.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("parties", InstrumentParty.objects.select_related("state")),
        "party_actions",
        Prefetch(
            "linked_from",
            replacing.select_related("instrument").order_by("instrument__in_force_on", "id"),
            to_attr="replaced_by_links",
        ),
    )


def instrument_items(instrument: Instrument, *, on: datetime.date) -> list[RadarItem]:
    """Every rule that lists this instrument on `on` (read from `radar_instruments`)."""
    months = settings.STALLED_AFTER_MONTHS
    codes = sorted(party.state_id for party in instrument.parties.all())
    items = []

    def item(rule, why, **fields):
        items.append(RadarItem(rule, why, instrument=instrument, party_codes=codes, **fields))

    since = instrument.status_since
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
    if (
        instrument.status == Status.PROVISIONALLY_APPLIED
        and since
        and is_older_than(since, months, on)
    ):
        item(
            Rule.LONG_PROVISIONAL,
            f"Provisionally applied since {_long_date(since)}, more than {_months(months)}, "
            "and not in force.",
            since_on=since,
            waiting_for=[str(step) for step in instrument.entry_into_force().missing_steps],
        )
    if (
        instrument.status in STILL_BEING_WORKED_OUT
        and since
        and is_older_than(since, GOING_NOWHERE_MONTHS, on)
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


def series_item(one, *, on: datetime.date) -> RadarItem | None:
    """A meeting series (from `series_with_rounds`) whose next round is overdue with none
    scheduled, as a radar item; None when it is not."""
    state = series_state(one, on=on)
    if not state.is_overdue:
        return None
    last = f"the {ordinal(state.last_round)} round" if state.last_round else "the last round"
    return RadarItem(
        Rule.SERIES_OVERDUE,
        f"{last.capitalize()} was held on {_long_date(state.last_held_on)}; rounds are "
        f"expected every {_months(one.interval_months)}, so the next was due by "
        f"{_long_date(state.next_due_on)}, and none is scheduled.",
        series=one,
        since_on=state.last_held_on,
        due_on=state.next_due_on,
        party_codes=sorted([one.state_a_id, one.state_b_id]),
    )


def series_items(series, *, on: datetime.date) -> list[RadarItem]:
    """Meeting series whose next round is overdue with none scheduled (one query)."""
    found = (series_item(one, on=on) for one in series_with_rounds(series))
    return [item for item in found if item is not None]


# --- Selection in SQL -------------------------------------------------------------------------
#
# Each rule is also a condition in SQL, so that PostgreSQL selects, orders and counts what the
# rules list through an index (migration 0030) and a page costs the same at a million
# instruments as at ten thousand; `instrument_items` and `series_items` above then say why, for
# the fifty items of a page. The tests hold the two to the same edges. `{t}` is the table the
# condition reads: an instrument's pair rows carry its status, both dates and its stored term
# (agreements/models/terms.py), so the rules that read only those run on a pair's own rows when
# a pair is chosen.

PER_PAGE = 50
# Each rule's items are counted only up to `paging.COUNT_LIMIT`, as the lists are
# (agreements/lists/paging.py): the rest is "more than 10,000", and a page costs the same however
# many there are. Not through `capped_count`: the radar counts every rule in one query.
# The home page's and the digest's counts per pair stop sooner: "more than 99".
PAIR_COUNT_LIMIT = 99

# Running with a term: its stored term (agreements/models/terms.py, which says when it holds).
RUNNING_WITH_A_TERM = f"{{t}}.status IN {RUNNING} AND {{t}}.term_ends_on IS NOT NULL"
# The stored period of a tacitly renewed instrument is the one running on `on`. (`+ 0`: read in
# the order of the ends, not from the index of the first days, which is for the rows below.)
HOLDS = "{t}.term_starts_on + 0 <= %(on)s AND {t}.term_ends_on > %(on)s"
# Listed from LOOK_AHEAD_MONTHS before the first date that matters; the end is then at most the
# longest notice period later (an index range of the ends, however large the register).
LOOKING_AHEAD = (
    "{t}.term_matters_on <= %(look_ahead)s AND {t}.term_ends_on <= (%(look_ahead)s::date + "
    "(SELECT make_interval(months => coalesce(max(n.notice_months), 0)) "
    "FROM agreements_instrument n WHERE n.notice_months IS NOT NULL))::date"
)
# Links that replace an instrument by one in force (few: the radar reads them first).
REPLACING = (
    "SELECT l.target_id, r.in_force_on FROM agreements_instrumentlink l "
    "JOIN agreements_instrument r ON r.id = l.instrument_id "
    "WHERE l.relation = 'replaces' AND r.status = 'in_force'"
)
NEXT_ROUND_DUE = (
    "(SELECT (max(m.starts_on) + make_interval(months => {t}.interval_months))::date "
    "FROM agreements_meeting m WHERE m.series_id = {t}.id AND m.status = 'held')"
)


@dataclass(frozen=True)
class Branch:
    """One rule's rows in SQL: which (`where`) and in what order (`sort_on`, then the id)."""

    rule: Rule
    where: str
    sort_on: str
    # "instrument"; "pair": it reads only what a pair row carries too (status, its dates, the
    # stored term), so a pair's radar reads the pair's own rows; "series": the meeting series.
    table: str = "instrument"
    # It reads few rows however large the register (the renewals whose stored period does not
    # hold yet), so the home page counts it for each pair.
    few: bool = False


def branches(on: datetime.date) -> list[Branch]:
    """Every rule's SQL, in the radar's order; going nowhere is one branch per status, each an
    index range in date order (an index cannot give three statuses in date order at once)."""
    stalled = Branch(
        Rule.STALLED,
        "{t}.status = 'signed' AND {t}.signed_on < %(stalled_before)s",
        "{t}.signed_on",
        table="pair",
    )
    provisional = Branch(
        Rule.LONG_PROVISIONAL,
        "{t}.status = 'provisionally_applied' AND {t}.status_since < %(stalled_before)s",
        "{t}.status_since",
        table="pair",
    )
    nowhere = [
        Branch(
            Rule.GOING_NOWHERE,
            f"{{t}}.status = '{status}' AND {{t}}.status_since < %(nowhere_before)s",
            "{t}.status_since",
            table="pair",
        )
        for status in STILL_BEING_WORKED_OUT
    ]
    terminable = ", ".join(f"'{status}'" for status in TERMINABLE)
    return [
        stalled,
        provisional,
        *nowhere,
        Branch(
            Rule.EXPIRY,
            f"{RUNNING_WITH_A_TERM} AND NOT {{t}}.renews_tacitly AND {{t}}.term_ends_on > %(on)s "
            f"AND {LOOKING_AHEAD}",
            "{t}.term_ends_on",
            table="pair",
        ),
        Branch(
            Rule.RENEWAL,
            f"{RUNNING_WITH_A_TERM} AND {{t}}.renews_tacitly AND {HOLDS} AND {LOOKING_AHEAD}",
            "{t}.term_ends_on",
            table="pair",
        ),
        # The renewals whose stored period does not hold on `on` (renewed since the worker last
        # rolled them forward, or asked about another day), worked out here: few rows, two
        # index ranges (on the instrument: a pair row does not carry what the period is from).
        Branch(
            Rule.RENEWAL,
            f"{RUNNING_WITH_A_TERM} AND {{t}}.renews_tacitly "
            "AND ({t}.term_ends_on <= %(on)s OR {t}.term_starts_on > %(on)s) "
            f"AND ({RENEWAL_END.format(t='{t}', on='%(on)s')} - {NOTICE})::date "
            "<= %(look_ahead)s",
            RENEWAL_END.format(t="{t}", on="%(on)s"),
            few=True,
        ),
        Branch(
            Rule.EXPIRED,
            f"{RUNNING_WITH_A_TERM} AND NOT {{t}}.renews_tacitly AND {{t}}.term_ends_on <= %(on)s",
            "{t}.term_ends_on",
            table="pair",
        ),
        Branch(
            Rule.REPLACED,
            f"{{t}}.status IN ({terminable}) "
            f"AND {{t}}.id IN (SELECT target_id FROM ({REPLACING}) x)",
            f"(SELECT min(x.in_force_on) FROM ({REPLACING}) x WHERE x.target_id = {{t}}.id)",
        ),
        Branch(
            Rule.SERIES_OVERDUE,
            "{t}.interval_months IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agreements_meeting m "
            "WHERE m.series_id = {t}.id AND m.status = 'scheduled') "
            f"AND {NEXT_ROUND_DUE} < %(on)s",
            NEXT_ROUND_DUE,
            table="series",
        ),
    ]


@dataclass(frozen=True)
class Selection:
    """What the radar's filters chose (`agreements.filters.RadarFilter.selection`): a pair in its
    stored order, a state code, a sector's id, a kind of instrument, a rule."""

    pair: tuple[str, str] | None = None
    state: str | None = None
    sector: int | None = None
    kind: str | None = None
    rule: str | None = None

    @property
    def has_series(self) -> bool:
        """A sector or a kind of instrument leaves the meeting series out."""
        return not (self.sector or self.kind)


def _positional(template: str, table: str, values: dict) -> tuple[str, list]:
    """A branch's SQL for `table`, its %(name)s turned into %s with the values in order."""
    params = []

    def take(match):
        params.append(values[match.group(1)])
        return "%s"

    return re.sub(r"%\((\w+)\)s", take, template.replace("{t}", table)), params


def _dates(on: datetime.date) -> dict:
    return {
        "on": on,
        "stalled_before": add_months(on, -settings.STALLED_AFTER_MONTHS),
        "nowhere_before": add_months(on, -GOING_NOWHERE_MONTHS),
        "look_ahead": add_months(on, LOOK_AHEAD_MONTHS),
    }


@dataclass(frozen=True)
class BranchQuery:
    branch: Branch
    queryset: object  # rows in the rule's order, with `radar_sort_on`
    ref: str  # the field naming the instrument (or series) of a row, and its column's alias


def _branch_query(branch: Branch, selection: Selection, values: dict) -> BranchQuery | None:
    """A branch's rows under the selection: a pair's own rows when the rule reads only what they
    carry, else the instruments (of the pair, the state…); None when the selection leaves the
    branch out."""
    if branch.table == "series":
        if not selection.has_series:
            return None
        rows = MeetingSeries.objects.all()
        if selection.pair:
            rows = rows.filter(state_a__in=selection.pair, state_b__in=selection.pair)
        if selection.state:
            rows = rows.filter(Q(state_a=selection.state) | Q(state_b=selection.state))
        ref, prefix = "pk", None
    elif branch.table == "pair" and selection.pair:
        rows = InstrumentPair.objects.of(*selection.pair)
        ref, prefix = "instrument", "instrument__"
    else:
        rows = Instrument.objects.all()
        if selection.pair:
            rows = rows.for_pair(*selection.pair)
        ref, prefix = "pk", ""
    if prefix is not None:
        if selection.state:
            parties = InstrumentParty.objects.filter(instrument=OuterRef(ref))
            rows = rows.filter(Exists(parties.filter(state=selection.state)))
        if selection.kind:
            rows = rows.filter(**{f"{prefix}kind": selection.kind})
        if selection.sector:
            rows = rows.filter(**{f"{prefix}sectors": selection.sector})
    table = rows.model._meta.db_table
    where, where_params = _positional(branch.where, table, values)
    sort, sort_params = _positional(branch.sort_on, table, values)
    rows = (
        rows.filter(RawSQL(where, where_params, output_field=BooleanField()))
        .annotate(radar_sort_on=RawSQL(sort, sort_params, output_field=DateField()))
        .order_by("radar_sort_on", ref)
    )
    return BranchQuery(branch, rows, ref)


def _sql(queryset) -> tuple[str, list] | None:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter nothing can match
        return None
    return sql, list(params)


@dataclass
class RadarPage:
    """A page of the radar, with how many items each rule lists (counted up to COUNT_LIMIT + 1)."""

    items: list
    counts: dict  # {Rule: n}, every rule
    number: int
    num_pages: int
    per_page: int

    @property
    def count(self) -> int:
        return min(sum(self.counts.values()), paging.COUNT_LIMIT)

    @property
    def count_is_capped(self) -> bool:
        return sum(self.counts.values()) > paging.COUNT_LIMIT

    def rule_counts(self) -> list[dict]:
        """The rules with items: rule, label, count (at most COUNT_LIMIT), capped."""
        return [
            {
                "rule": rule,
                "label": rule.label,
                "count": min(n, paging.COUNT_LIMIT),
                "count_is_capped": n > paging.COUNT_LIMIT,
            }
            for rule, n in self.counts.items()
            if n
        ]

    def groups(self) -> list[dict]:
        """The page's items under their rule's heading, in order."""
        groups = []
        for item in self.items:
            if not groups or groups[-1]["rule"] != item.rule:
                groups.append({"rule": item.rule, "label": item.rule_label, "items": []})
            groups[-1]["items"].append(item)
        return groups

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def radar_page(
    selection: Selection | None = None,
    *,
    on: datetime.date | None = None,
    number: int = 1,
    per_page: int = PER_PAGE,
) -> RadarPage:
    """A page of the radar for the selection on `on` (default: today), most pressing rule first,
    then by date, with each rule's count. Seven queries at most, however many items: the counts,
    the page's rows, its instruments with their parties, party actions and replacements, its
    meeting series; each reads an index range of at most COUNT_LIMIT + 1 rows per branch."""
    selection = selection or Selection()
    on = on or today()
    values = _dates(on)
    queries = [
        query
        for branch in branches(on)
        if not selection.rule or branch.rule == selection.rule
        if (query := _branch_query(branch, selection, values)) is not None
    ]
    counts = dict.fromkeys(Rule, 0)
    for query, n in zip(queries, _capped_counts(queries), strict=True):
        counts[query.branch.rule] = min(counts[query.branch.rule] + n, paging.COUNT_LIMIT + 1)
    listed = min(sum(counts.values()), paging.COUNT_LIMIT)
    num_pages = max(1, -(-listed // per_page))
    number = min(max(1, number), num_pages)
    rows = _page_rows(queries, offset=(number - 1) * per_page, limit=per_page)
    return RadarPage(_items(rows, on), counts, number, num_pages, per_page)


def _capped_counts(queries: list[BranchQuery]) -> list[int]:
    """Each branch's rows, counted up to COUNT_LIMIT + 1, in one query."""
    parts, params = [], []
    for query in queries:
        found = _sql(query.queryset.order_by().values(query.ref)[: paging.COUNT_LIMIT + 1])
        if found is None:
            parts.append("0")
            continue
        parts.append(f"(SELECT count(*) FROM ({found[0]}) c)")
        params += found[1]
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return list(cursor.fetchone())


def _page_rows(queries: list[BranchQuery], *, offset: int, limit: int) -> list[tuple]:
    """(rule, date, id) of the page's items: each branch's first offset + limit rows in its
    index order, merged."""
    parts, params = [], []
    rules = list(Rule)
    for query in queries:
        found = _sql(query.queryset.values_list("radar_sort_on", query.ref)[: offset + limit])
        if found is None:
            continue
        parts.append(
            f"SELECT {rules.index(query.branch.rule)} AS rule, b.radar_sort_on AS sort_on, "
            f'b."{query.ref}" AS ref FROM ({found[0]}) b'
        )
        params += found[1]
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rule, sort_on, ref FROM ({' UNION ALL '.join(parts)}) page "
            "ORDER BY rule, sort_on, ref LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [(rules[rule], sort_on, ref) for rule, sort_on, ref in cursor.fetchall()]


def _items(rows: list[tuple], on: datetime.date) -> list[RadarItem]:
    """The page's rows in words, by the rules above (five queries)."""
    instruments = radar_instruments([ref for rule, _, ref in rows if rule != Rule.SERIES_OVERDUE])
    instruments = {instrument.pk: instrument for instrument in instruments}
    series_ids = [ref for rule, _, ref in rows if rule == Rule.SERIES_OVERDUE]
    series = {
        one.pk: one for one in series_with_rounds(MeetingSeries.objects.filter(pk__in=series_ids))
    }
    items = []
    for rule, _, ref in rows:
        if rule == Rule.SERIES_OVERDUE:
            found = [series_item(series[ref], on=on)]
        else:
            found = [i for i in instrument_items(instruments[ref], on=on) if i.rule == rule]
        # The SQL and the rules above agree (the tests hold them to it); were they not to, the
        # item is left out rather than said wrongly.
        items.extend(item for item in found[:1] if item is not None)
    return items


def radar_items(selection: Selection | None = None, *, on: datetime.date | None = None) -> list:
    """Every item of a selection, on one page of up to COUNT_LIMIT (the tests' and small uses')."""
    return radar_page(selection, on=on, per_page=paging.COUNT_LIMIT).items


# --- Counts per pair --------------------------------------------------------------------------

# How a count reads on the home page's line and in the digest: "2 stalled after signature".
COUNT_WORDS = {
    Rule.STALLED: "stalled after signature",
    Rule.LONG_PROVISIONAL: "provisionally applied for long",
    Rule.GOING_NOWHERE: "going nowhere",
    Rule.EXPIRY: "expiring",
    Rule.RENEWAL: "renewing tacitly",
    Rule.EXPIRED: "expired",
    Rule.REPLACED: "replaced",
    Rule.SERIES_OVERDUE: "round of meetings overdue",
}


# The rules a pair's own rows answer (and the meeting series, and the few renewals not yet rolled
# forward): counted per pair, each count is a short index range whatever the size of the
# register. Replacements are counted once for all the pairs from every instrument replaced,
# which grows with the register: the weekly digest counts them, the home page does not (the
# radar of the pair, one click away, lists them).
RULES_COUNTED_PER_PAIR = [
    rule
    for rule in Rule
    if all(
        branch.table in ("pair", "series") or branch.few
        for branch in branches(datetime.date.min)
        if branch.rule == rule
    )
]


def radar_counts_by_pair(pairs, *, on: datetime.date | None = None, rules=None) -> dict:
    """How many items each rule (of `rules`, default all) lists for each pair (stored order:
    ("IL", "KZ")), counted up to PAIR_COUNT_LIMIT + 1, {pair: {Rule: n}} with only the rules
    that list any; one query for all the pairs (an instrument of three parties counts for each
    of its pairs). The rules' SQL is `branches`, as on the radar."""
    pairs = list(pairs)
    if not pairs:
        return {}
    on = on or today()
    values = _dates(on)
    shared, shared_params, parts, params = [], [], [], []
    counted = [branch for branch in branches(on) if rules is None or branch.rule in rules]
    for number, branch in enumerate(counted):
        if branch.table == "pair":
            where, where_params = _positional(branch.where, "p", values)
            rows = (
                "SELECT 1 FROM agreements_instrumentpair p "
                f"WHERE p.state_a = x.a AND p.state_b = x.b AND {where}"
            )
            parts.append(f"(SELECT count(*) FROM ({rows} LIMIT {PAIR_COUNT_LIMIT + 1}) c)")
            params += where_params
        elif branch.table == "series":
            where, where_params = _positional(branch.where, "s", values)
            parts.append(
                "(SELECT count(*) FROM agreements_meetingseries s "
                "WHERE least(s.state_a_id, s.state_b_id) = x.a "
                f"AND greatest(s.state_a_id, s.state_b_id) = x.b AND {where})"
            )
            params += where_params
        else:
            where, where_params = _positional(branch.where, "i", values)
            # Once for all the pairs, from the rule's index (OFFSET 0 keeps PostgreSQL from
            # reading each pair's rows instead).
            shared.append(
                f"branch{number} AS MATERIALIZED (SELECT p.state_a AS a, p.state_b AS b, "
                "count(*) AS n "
                f"FROM (SELECT i.id FROM agreements_instrument i WHERE {where} OFFSET 0) i "
                "JOIN agreements_instrumentpair p ON p.instrument_id = i.id "
                "WHERE (p.state_a, p.state_b) IN (SELECT a, b FROM x) GROUP BY 1, 2)"
            )
            shared_params += where_params
            parts.append(f"coalesce((SELECT n FROM branch{number} WHERE a = x.a AND b = x.b), 0)")
    with_shared = "".join(f", {one}" for one in shared)
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH x AS (SELECT * FROM unnest(%s::varchar[], %s::varchar[]) AS x (a, b))"
            f"{with_shared} SELECT x.a, x.b, {', '.join(parts)} FROM x",
            [[a for a, _ in pairs], [b for _, b in pairs], *shared_params, *params],
        )
        found = cursor.fetchall()
    counts = {}
    for a, b, *numbers in found:
        per_rule = Counter()
        for rule, n in zip((branch.rule for branch in counted), numbers, strict=True):
            per_rule[rule] = min(per_rule[rule] + n, PAIR_COUNT_LIMIT + 1)
        counts[(a, b)] = {rule: n for rule, n in per_rule.items() if n}
    return counts


def counts_in_words(counts: dict) -> str:
    """{Rule.STALLED: 2, Rule.EXPIRY: 1} → "2 stalled after signature, 1 expiring" (in the
    radar's order; a count past PAIR_COUNT_LIMIT is "more than 99")."""
    words = []
    for rule in Rule:
        n = counts.get(rule, 0)
        if n:
            number = f"more than {PAIR_COUNT_LIMIT}" if n > PAIR_COUNT_LIMIT else str(n)
            words.append(f"{number} {COUNT_WORDS[rule]}")
    return ", ".join(words)
