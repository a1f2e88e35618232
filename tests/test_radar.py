"""The radar (agreements/radar.py): each rule at its edges, the page and the API."""

import datetime

import pytest

from agreements import radar, services
from agreements.models import Instrument, InstrumentLink, InstrumentPair, roll_terms, today
from agreements.models.pairs import refresh_all
from agreements.models.terms import work_out_terms
from agreements.radar import (
    Rule,
    Selection,
    add_months,
    counts_in_words,
    current_term,
    instrument_items,
    radar_counts_by_pair,
    radar_instruments,
    radar_items,
    radar_page,
)
from tests.factories import make_instrument

date = datetime.date
Status = Instrument.Status


def signed(on, **fields):
    instrument = make_instrument(intent_stated_on=date(2018, 1, 8), **fields)
    services.instrument_transition(instrument=instrument, to=Status.SIGNED, on=on)
    return instrument


def in_force(on, **fields):
    instrument = signed(on, **fields)
    services.instrument_transition(instrument=instrument, to=Status.IN_FORCE, on=on)
    return instrument


def listed(on, instruments=None):
    return [(item.rule, item.title) for item in radar_items(instruments, on=on)]


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
        (date(2027, 8, 31), -6, date(2027, 2, 28)),
        (date(2028, 8, 31), -6, date(2028, 2, 29)),
        (date(2027, 1, 15), -3, date(2026, 10, 15)),
        (date(2026, 11, 28), 18, date(2028, 5, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def term(in_force_on, years, *, tacit=False, notice=None, on):
    return current_term(
        in_force_on=in_force_on,
        duration_years=years,
        renews_tacitly=tacit,
        notice_months=notice,
        on=on,
    )


def test_term_without_renewal_ends_once_even_when_past():
    assert term(date(2024, 2, 29), 1, on=date(2030, 1, 1)).ends_on == date(2025, 2, 28)


def test_term_with_tacit_renewal_repeats_for_the_same_duration():
    start = date(2020, 3, 1)
    assert term(start, 2, tacit=True, on=date(2026, 2, 28)).ends_on == date(2026, 3, 1)
    # The renewal dated today has happened: the next one is reported.
    assert term(start, 2, tacit=True, on=date(2026, 3, 1)).ends_on == date(2028, 3, 1)
    assert term(start, 2, tacit=True, on=date(2026, 3, 1)).period == 4
    assert term(start, 2, tacit=True, on=date(2020, 3, 2)).ends_on == date(2022, 3, 1)


def test_term_of_a_leap_day_comes_back_to_the_leap_day():
    start = date(2024, 2, 29)
    assert term(start, 1, tacit=True, on=date(2025, 3, 1)).ends_on == date(2026, 2, 28)
    assert term(start, 1, tacit=True, on=date(2027, 6, 1)).ends_on == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("in_force_on", "notice", "notice_by"),
    [
        (date(2022, 3, 31), 6, date(2026, 9, 30)),
        (date(2022, 1, 15), 3, date(2026, 10, 15)),
        (date(2022, 2, 28), 12, date(2026, 2, 28)),
    ],
)
def test_last_day_to_give_notice_crosses_the_year_end(in_force_on, notice, notice_by):
    assert term(in_force_on, 5, tacit=True, notice=notice, on=date(2026, 1, 1)).notice_by == (
        notice_by
    )


# --- The rules --------------------------------------------------------------------------------


def test_stalled_after_more_than_twelve_months_not_exactly_twelve(db):
    instrument = signed(
        date(2025, 3, 1),
        entry_into_force_rule=Instrument.EntryIntoForceRule.DAYS_AFTER_LAST_NOTIFICATION,
        entry_into_force_days=30,
    )
    services.party_action_record(
        instrument=instrument, state="KZ", action="notification", taken_on=date(2025, 6, 1)
    )

    assert listed(date(2026, 3, 1)) == []
    [item] = radar_items(on=date(2026, 3, 2))
    assert (item.rule, item.since_on) == (Rule.STALLED, date(2025, 3, 1))
    assert item.waiting_for == [
        "waiting for Israel's notification that internal procedures are complete"
    ]
    assert item.why == "Signed on 1 March 2025 and not in force after more than 12 months."


def test_stalled_from_a_leap_day(db):
    signed(date(2024, 2, 29), title="Leap")

    assert listed(date(2025, 2, 28)) == []
    assert listed(date(2025, 3, 1)) == [(Rule.STALLED, "Leap")]


def test_stalled_without_a_rule_says_so(db):
    signed(date(2024, 5, 1))

    [item] = radar_items(on=date(2026, 1, 1))
    assert item.waiting_for == ["The entry-into-force rule is not recorded."]


def test_stalled_follows_the_setting(db, settings):
    settings.STALLED_AFTER_MONTHS = 6
    signed(date(2025, 3, 1), title="Six")

    assert listed(date(2025, 9, 1)) == []
    assert listed(date(2025, 9, 2)) == [(Rule.STALLED, "Six")]


def test_long_provisional_application_counts_from_its_own_date(db):
    instrument = signed(date(2024, 1, 10), title="Provisional")
    services.instrument_transition(
        instrument=instrument, to=Status.PROVISIONALLY_APPLIED, on=date(2024, 6, 1)
    )

    assert listed(date(2025, 6, 1)) == []
    [item] = radar_items(on=date(2025, 6, 2))
    assert (item.rule, item.since_on) == (Rule.LONG_PROVISIONAL, date(2024, 6, 1))


def test_going_nowhere_after_twelve_months_without_a_status_change(db):
    instrument = make_instrument(intent_stated_on=date(2024, 1, 10), title="Talks")
    services.instrument_transition(
        instrument=instrument, to=Status.UNDER_NEGOTIATION, on=date(2025, 1, 10)
    )

    assert listed(date(2026, 1, 10)) == []
    [item] = radar_items(on=date(2026, 1, 11))
    assert item.rule == Rule.GOING_NOWHERE
    assert item.why == (
        "Under negotiation since 10 January 2025: no status change for more than 12 months."
    )


def test_abandoned_and_in_force_without_duration_are_not_listed(db):
    instrument = make_instrument(intent_stated_on=date(2020, 1, 10))
    services.instrument_transition(instrument=instrument, to=Status.ABANDONED, on=date(2020, 2, 1))
    in_force(date(2020, 3, 1))

    assert listed(date(2026, 1, 1)) == []


def test_expiry_listed_from_eighteen_months_ahead(db):
    in_force(date(2021, 6, 1), title="Five years", duration_years=5)

    assert listed(date(2024, 11, 30)) == []
    [item] = radar_items(on=date(2024, 12, 1))
    assert (item.rule, item.due_on, item.notice_by) == (Rule.EXPIRY, date(2026, 6, 1), None)
    assert item.offer_termination == ""


def test_expiry_with_notice_listed_from_eighteen_months_before_the_notice(db):
    in_force(date(2021, 6, 1), title="Noticed", duration_years=5, notice_months=6)

    assert listed(date(2024, 5, 31)) == []
    [item] = radar_items(on=date(2024, 6, 1))
    assert (item.due_on, item.notice_by) == (date(2026, 6, 1), date(2025, 12, 1))
    assert "Last day to give notice: 1 December 2025 (6 months before)." in item.why


def test_expired_without_tacit_renewal_is_offered_for_termination(db):
    instrument = in_force(date(2021, 6, 1), duration_years=5)

    assert [item.rule for item in radar_items(on=date(2026, 5, 31))] == [Rule.EXPIRY]
    [item] = radar_items(on=date(2026, 6, 1))
    assert (item.rule, item.offer_termination, item.offer_on) == (
        Rule.EXPIRED,
        "expired",
        date(2026, 6, 1),
    )
    assert item.offer_url.startswith(f"/admin/agreements/instrument/{instrument.pk}/status/?")
    assert "termination_type=expired" in item.offer_url
    # Offered, never done: the instrument is still in force.
    instrument.refresh_from_db()
    assert instrument.status == Status.IN_FORCE


def test_tacit_renewal_repeats_and_is_never_expired(db):
    in_force(date(2020, 3, 1), duration_years=2, renews_tacitly=True, notice_months=3)

    # The renewal of 1 March 2026 has happened; the next one's notice falls 18 months from July.
    assert listed(date(2026, 3, 1)) == []
    [item] = radar_items(on=date(2026, 6, 1))
    assert (item.rule, item.due_on, item.notice_by) == (
        Rule.RENEWAL,
        date(2028, 3, 1),
        date(2027, 12, 1),
    )
    [item] = radar_items(on=date(2026, 1, 15))
    assert (item.due_on, item.notice_by) == (date(2026, 3, 1), date(2025, 12, 1))
    assert "The last day to give notice (1 December 2025) has passed." in item.why


def test_replaced_by_an_instrument_in_force_is_offered_for_termination(db):
    old = in_force(date(2019, 1, 10), title="Old")
    new = signed(date(2025, 2, 1), title="New")
    InstrumentLink.objects.create(
        instrument=new, relation=InstrumentLink.Relation.REPLACES, target=old
    )

    assert listed(date(2025, 6, 1)) == []
    services.instrument_transition(instrument=new, to=Status.IN_FORCE, on=date(2025, 3, 1))
    [item] = radar_items(on=date(2025, 6, 1))
    assert (item.rule, item.title, item.offer_termination, item.offer_on) == (
        Rule.REPLACED,
        "Old",
        "replaced",
        date(2025, 3, 1),
    )
    assert item.why == "Replaced by “New”, in force since 1 March 2025."


def test_items_ordered_by_rule_then_date(db):
    signed(date(2024, 5, 1), title="Later stalled")
    signed(date(2024, 3, 1), title="Earlier stalled")
    in_force(date(2021, 6, 1), title="Expiring", duration_years=5)

    assert listed(date(2025, 6, 1)) == [
        (Rule.STALLED, "Earlier stalled"),
        (Rule.STALLED, "Later stalled"),
        (Rule.EXPIRY, "Expiring"),
    ]


def test_counts_by_pair_count_each_pair_of_a_three_party_instrument(db):
    signed(date(2024, 5, 1), parties=("KZ", "IL", "FR"))
    signed(date(2024, 5, 1))
    in_force(date(2021, 6, 1), duration_years=5)

    counts = radar_counts_by_pair(
        [("FR", "IL"), ("FR", "KZ"), ("IL", "KZ"), ("DE", "FR")], on=date(2026, 1, 1)
    )
    assert counts == {
        ("FR", "IL"): {Rule.STALLED: 1},
        ("FR", "KZ"): {Rule.STALLED: 1},
        ("IL", "KZ"): {Rule.STALLED: 2, Rule.EXPIRY: 1},
        ("DE", "FR"): {},
    }
    assert counts_in_words(counts[("IL", "KZ")]) == "2 stalled after signature, 1 expiring"


def test_counts_by_pair_stop_at_their_limit(db, monkeypatch):
    monkeypatch.setattr(radar, "PAIR_COUNT_LIMIT", 2)
    for _ in range(4):
        signed(date(2024, 5, 1))

    counts = radar_counts_by_pair([("IL", "KZ")], on=date(2026, 1, 1))
    assert counts == {("IL", "KZ"): {Rule.STALLED: 3}}
    assert counts_in_words(counts[("IL", "KZ")]) == "more than 2 stalled after signature"


# --- Pages: the SQL selects, the rules say why ------------------------------------------------


def the_edges_instruments():
    """Fixed terms and tacit renewals at the edges: leap days, notice across the year end, a
    notice longer than the look-ahead, renewing every year; parties KZ-IL, one of them FR-IL."""
    in_force(date(2020, 2, 29), title="Leap term", duration_years=5, notice_months=2)
    in_force(date(2022, 1, 31), title="Year-end notice", duration_years=3, notice_months=1)
    in_force(date(2021, 6, 1), title="Long notice", duration_years=6, notice_months=30)
    in_force(
        date(2020, 2, 29),
        title="Leap renewal",
        duration_years=1,
        renews_tacitly=True,
        notice_months=13,
    )
    in_force(
        date(2019, 12, 31),
        title="Year-end renewal",
        duration_years=2,
        renews_tacitly=True,
        notice_months=1,
        parties=("FR", "IL"),
    )


def in_order(items):
    return sorted(
        ((item.rule, item.title, item.due_on, item.notice_by) for item in items),
        key=lambda row: (list(Rule).index(row[0]), row[1]),
    )


def every_rule_in_python(on, selection=None):
    """What the rules list, worked out in Python from every instrument (of the selection's pair)
    (the reference)."""
    everything = radar_instruments(Instrument.objects.values("pk"))
    return in_order(
        item
        for one in everything
        if selection is None
        or set(selection.pair) <= {party.state_id for party in one.parties.all()}
        for item in instrument_items(one, on=on)
    )


def test_sql_and_rules_agree_day_by_day_across_every_edge(db):
    """Leap days, exactly 12 months, notice across the year end, tacit renewal repeating: for
    each day around each edge, what the SQL selects is what the rules list."""
    signed(date(2024, 2, 29), title="Leap signature")
    provisional = signed(date(2023, 12, 1), title="Provisional")
    services.instrument_transition(
        instrument=provisional, to=Status.PROVISIONALLY_APPLIED, on=date(2024, 2, 29)
    )
    talks = make_instrument(intent_stated_on=date(2024, 2, 1), title="Talks")
    services.instrument_transition(instrument=talks, to=Status.TEXT_AGREED, on=date(2024, 2, 29))
    the_edges_instruments()
    edges = [
        date(2025, 2, 28),
        date(2025, 3, 1),  # 12 months after 29 February
        date(2023, 8, 31),
        date(2023, 9, 1),
        date(2023, 11, 1),  # 18 months before a notice
        date(2024, 12, 31),
        date(2025, 1, 31),
        date(2025, 2, 1),  # a term's end
        date(2026, 1, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),  # renewals, year after year
        date(2028, 2, 28),
        date(2028, 2, 29),
        date(2028, 3, 1),
    ]
    for edge in edges:
        for on in (edge - datetime.timedelta(days=1), edge, edge + datetime.timedelta(days=1)):
            assert in_order(radar_items(on=on)) == every_rule_in_python(on), on


# --- The stored term: worked out on one day, right on any other --------------------------------


def stored_term(instrument):
    """What the stored columns should hold when worked out on `on`: `current_term`'s period."""

    def on(day):
        found = term(
            instrument.in_force_on,
            instrument.duration_years,
            tacit=instrument.renews_tacitly,
            notice=instrument.notice_months,
            on=day,
        )
        starts = (
            add_months(instrument.in_force_on, 12 * instrument.duration_years * (found.period - 1))
            if found.period > 1
            else date.min
        )
        return (starts, found.ends_on, min(found.notice_by or found.ends_on, found.ends_on))

    return on


def stored(instrument):
    instrument.refresh_from_db()
    return (instrument.term_starts_on, instrument.term_ends_on, instrument.term_matters_on)


WORKED_OUT_ON = [
    date(2021, 1, 1),
    date(2025, 2, 27),
    date(2025, 2, 28),  # a leap day's renewal in a common year
    date(2026, 2, 28),
    date(2028, 2, 29),
    date(2028, 3, 1),
    date(2031, 1, 1),
]


def test_stored_term_is_the_period_current_term_gives_for_the_day_it_was_worked_out(db):
    the_edges_instruments()
    instruments = list(Instrument.objects.all())
    # Written by the trigger, for the database's today.
    for instrument in instruments:
        assert stored(instrument) == stored_term(instrument)(today()), instrument.title
    for day in WORKED_OUT_ON:
        work_out_terms(on=day)
        for instrument in instruments:
            assert stored(instrument) == stored_term(instrument)(day), (instrument.title, day)
            for pair in InstrumentPair.objects.filter(instrument=instrument):
                assert (pair.term_starts_on, pair.term_ends_on, pair.term_matters_on) == (
                    stored(instrument)
                )


def test_the_migration_works_out_the_stored_terms_and_their_copies(db):
    from importlib import import_module

    from django.db import connection

    migration = import_module("agreements.migrations.0032_radar_terms_stored")
    the_edges_instruments()
    blank = {column: None for column in ("term_starts_on", "term_ends_on", "term_matters_on")}
    Instrument.objects.update(**blank)
    InstrumentPair.objects.update(renews_tacitly=False, **blank)

    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)

    for instrument in Instrument.objects.all():
        assert stored(instrument) == stored_term(instrument)(today()), instrument.title
        pair = InstrumentPair.objects.get(instrument=instrument)
        assert (pair.renews_tacitly, pair.term_starts_on, pair.term_ends_on) == (
            instrument.renews_tacitly,
            instrument.term_starts_on,
            instrument.term_ends_on,
        )


def test_stored_term_follows_the_instrument_and_its_pair_rows(db):
    instrument = in_force(date(2020, 3, 1), duration_years=2, renews_tacitly=True)
    pair = InstrumentPair.objects.get(instrument=instrument)
    assert (pair.renews_tacitly, pair.term_ends_on) == (True, stored(instrument)[1])

    Instrument.objects.filter(pk=instrument.pk).update(renews_tacitly=False, notice_months=6)
    pair.refresh_from_db()
    assert (pair.renews_tacitly, pair.term_starts_on, pair.term_ends_on, pair.term_matters_on) == (
        False,
        date.min,
        date(2022, 3, 1),
        date(2021, 9, 1),
    )
    # Rebuilt from scratch (after a load with triggers off), the pair rows copy it too.
    refresh_all()
    pair = InstrumentPair.objects.get(instrument=instrument)
    assert (pair.renews_tacitly, pair.term_ends_on, pair.term_matters_on) == (
        False,
        date(2022, 3, 1),
        date(2021, 9, 1),
    )
    Instrument.objects.filter(pk=instrument.pk).update(duration_years=None)
    pair.refresh_from_db()
    assert (pair.term_ends_on, pair.term_matters_on) == (None, None)
    # No event in the audit trail for what is worked out: the stored term is not audited.
    assert not hasattr(instrument.audit_events.model, "term_ends_on")


@pytest.mark.parametrize("worked_out_on", WORKED_OUT_ON)
def test_sql_and_rules_agree_whenever_the_terms_were_last_worked_out(db, worked_out_on):
    """Renewals passed since the terms were last worked out (the worker has not rolled them
    forward yet), days before it, days exactly on a renewal, leap days, notice across the year
    end: the radar, of everything and of a pair, lists what the rules list."""
    the_edges_instruments()
    work_out_terms(on=worked_out_on)
    days = [
        date(2024, 12, 31),
        date(2025, 1, 1),
        date(2025, 2, 28),
        date(2025, 3, 1),
        date(2025, 11, 30),
        date(2025, 12, 1),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2027, 1, 1),
        date(2027, 11, 30),
        date(2028, 2, 29),
        date(2028, 3, 1),
    ]
    for on in days:
        for selection in (None, Selection(pair=("IL", "KZ")), Selection(pair=("FR", "IL"))):
            assert in_order(radar_items(selection, on=on)) == every_rule_in_python(on, selection), (
                on,
                selection,
            )


def test_a_renewal_passed_and_not_rolled_forward_is_still_listed_rightly(db):
    instrument = in_force(
        date(2020, 3, 1), title="Yearly", duration_years=1, renews_tacitly=True, notice_months=3
    )
    work_out_terms(on=date(2025, 1, 1))  # last worked out then: the period ends 1 March 2025
    on = date(2025, 6, 1)

    [item] = radar_items(on=on)
    assert (item.rule, item.due_on, item.notice_by) == (
        Rule.RENEWAL,
        date(2026, 3, 1),
        date(2025, 12, 1),
    )
    assert radar_page(on=on).counts[Rule.RENEWAL] == 1
    assert radar_counts_by_pair([("IL", "KZ")], on=on) == {("IL", "KZ"): {Rule.RENEWAL: 1}}

    # The worker rolls it forward once, writing no event; then it is read from the stored term.
    events = instrument.audit_events.count()
    assert roll_terms(on) == 1
    assert roll_terms(on) == 0
    assert stored(instrument) == (date(2025, 3, 1), date(2026, 3, 1), date(2025, 12, 1))
    pair = InstrumentPair.objects.get(instrument=instrument)
    assert (pair.term_starts_on, pair.term_ends_on) == (date(2025, 3, 1), date(2026, 3, 1))
    [item] = radar_items(on=on)
    assert (item.rule, item.due_on) == (Rule.RENEWAL, date(2026, 3, 1))
    assert instrument.audit_events.count() == events


def test_the_worker_rolls_the_terms_forward(db):
    from django.core.management import call_command

    instrument = in_force(date(2020, 3, 1), duration_years=1, renews_tacitly=True)
    work_out_terms(on=date(2021, 1, 1))

    call_command("run_worker", "--once")

    assert stored(instrument) == stored_term(instrument)(today())


def test_pages_of_the_radar_and_counts_per_rule(db, monkeypatch):
    for month in (1, 2, 3):
        signed(date(2024, month, 1), title=f"Stalled {month}")
    in_force(date(2021, 6, 1), title="Expiring", duration_years=5)
    on = date(2025, 6, 1)

    first = radar_page(on=on, per_page=2)
    second = radar_page(on=on, number=2, per_page=2)
    assert [item.title for item in first.items] == ["Stalled 1", "Stalled 2"]
    assert [item.title for item in second.items] == ["Stalled 3", "Expiring"]
    assert (first.count, first.num_pages, first.has_next, second.has_next) == (4, 2, True, False)
    assert first.rule_counts() == [
        {
            "rule": Rule.STALLED,
            "label": "Stalled after signature",
            "count": 3,
            "count_is_capped": False,
        },
        {"rule": Rule.EXPIRY, "label": "Expires", "count": 1, "count_is_capped": False},
    ]
    assert [g["label"] for g in second.groups()] == ["Stalled after signature", "Expires"]
    # Past the last page is the last page; one rule alone.
    assert radar_page(on=on, number=9, per_page=2).number == 2
    only = radar_page(Selection(rule=Rule.EXPIRY), on=on)
    assert [item.title for item in only.items] == ["Expiring"]

    monkeypatch.setattr("agreements.lists.paging.COUNT_LIMIT", 2)
    capped = radar_page(on=on, per_page=1)
    assert (capped.count, capped.count_is_capped, capped.num_pages) == (2, True, 2)


# --- The page ---------------------------------------------------------------------------------


def stalled_rows(count):
    return [signed(today() - datetime.timedelta(days=800), title=f"S{n}") for n in range(count)]


@pytest.mark.parametrize("count", [1, 3])
def test_radar_page_queries_do_not_grow(db, client_as, django_assert_num_queries, count):
    stalled_rows(count)
    client = client_as("manager")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 each rule's count, 7 the page's rows,
    # 8 their instruments, 9 with parties and states, 10 party actions, 11 what replaces them
    # (a meeting series on the page would be one more), 12 the sectors and 13 the states of the
    # filter form, 14 release
    with django_assert_num_queries(14):
        response = client.get("/radar/")

    assert response.status_code == 200
    assert response.content.decode().count('class="radar-item rule-stalled"') == count


def test_radar_page_offers_termination_to_analysts_only(db, client_as):
    in_force(date(2019, 1, 10), title="Done", duration_years=5)

    analyst_page = client_as("analyst").get("/radar/").content.decode()
    manager_page = client_as("manager").get("/radar/").content.decode()

    assert "Record its termination as expired" in analyst_page
    assert "Record its termination as expired" not in manager_page
    assert "An analyst may record its termination as expired." in manager_page


def test_radar_page_filters_by_pair_and_kind(db, client_as):
    stalled_rows(1)
    signed(today() - datetime.timedelta(days=800), title="French", parties=("KZ", "FR"))
    signed(
        today() - datetime.timedelta(days=800),
        title="Treaty",
        kind=Instrument.Kind.TREATY,
    )
    client = client_as("consumer")

    def titles(query):
        items = client.get(f"/radar/?{query}").context["page"].items
        return sorted(item.title for item in items)

    assert titles("pair=FR-KZ") == ["French"]
    assert titles("pair=KZ-FR&kind=agreement") == ["French"]
    assert titles("pair=KZ-FR&sector=water-resource-management") == []
    assert titles("state=FR") == ["French"]
    assert titles("kind=treaty") == ["Treaty"]


def test_radar_page_refuses_a_bad_pair_with_a_message(db, client_as):
    response = client_as("consumer").get("/radar/?pair=XX")

    assert response.status_code == 200
    assert "Give two ISO 3166-1 alpha-2 codes" in response.content.decode()


def test_admin_status_form_is_filled_in_from_the_offer(db, client_as):
    instrument = in_force(date(2019, 1, 10), duration_years=5)
    [item] = radar_items()

    response = client_as("analyst").get(item.offer_url)

    form = response.context["adminform"].form
    assert form["to"].value() == "terminated"
    assert form["termination_type"].value() == "expired"
    assert form["date"].value() == "2024-01-10"
    instrument.refresh_from_db()
    assert instrument.status == Status.IN_FORCE


# --- The API ----------------------------------------------------------------------------------


def test_radar_api_shape(db, api_as):
    instrument = in_force(date(2019, 1, 10), title="Done", duration_years=5)

    response = api_as("consumer").get("/api/v1/radar/?pair=KZ-IL")

    assert response.status_code == 200
    assert response.json() == {
        "on": today().isoformat(),
        "count": 1,
        "count_is_capped": False,
        "counts": {rule.value: int(rule == Rule.EXPIRED) for rule in Rule},
        "page": 1,
        "pages": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "rule": "expired",
                "rule_label": "Expired",
                "why": "Its 5 years from entry into force ended on 10 January 2024 and it does "
                "not renew itself.",
                "instrument": instrument.pk,
                "series": None,
                "title": "Done",
                "url": f"/instruments/{instrument.pk}/",
                "parties": ["IL", "KZ"],
                "since_on": None,
                "due_on": "2024-01-10",
                "notice_by": None,
                "waiting_for": [],
                "offer_termination": "expired",
                "offer_on": "2024-01-10",
            }
        ],
    }


def test_radar_api_pages_and_one_rule(db, api_as, monkeypatch):
    monkeypatch.setattr(radar, "PER_PAGE", 1)
    monkeypatch.setattr("agreements.api.radar.PER_PAGE", 1)
    stalled_rows(2)
    in_force(date(2019, 1, 10), title="Done", duration_years=5)
    client = api_as("consumer")

    first = client.get("/api/v1/radar/?pair=KZ-IL").json()
    assert (first["count"], first["pages"], first["previous"]) == (3, 3, None)
    assert first["next"].endswith("/api/v1/radar/?pair=KZ-IL&page=2")
    assert client.get(first["next"]).json()["results"][0]["title"] == "S1"
    expired = client.get("/api/v1/radar/?rule=expired").json()
    assert [item["title"] for item in expired["results"]] == ["Done"]
    assert client.get("/api/v1/radar/?page=x").status_code == 400
    assert client.get("/api/v1/radar/?rule=nope").status_code == 400


def test_radar_api_refuses_a_bad_pair(db, api_as):
    response = api_as("consumer").get("/api/v1/radar/?pair=KZ")

    assert response.status_code == 400
    assert "pair" in response.json()


@pytest.mark.parametrize("count", [1, 3])
def test_radar_api_queries_do_not_grow(db, api_as, django_assert_num_queries, count):
    stalled_rows(count)
    client = api_as("manager")

    # 1 savepoint, 2 the token with its user, 3-4 permissions, 5 the data version (the answer's
    # key, agreements/api/conditional.py), 6 each rule's count, 7 the page's rows, 8 their
    # instruments, 9 with parties and states, 10 party actions, 11 what replaces them (a meeting
    # series on the page would be one more), 12 release
    with django_assert_num_queries(12):
        response = client.get("/api/v1/radar/")

    assert response.json()["count"] == count


@pytest.mark.parametrize("page", ["x", "0", "²", "١٢", "1_0", "9999999"])
def test_radar_api_refuses_what_is_no_page_number(db, api_as, page):
    response = api_as("consumer").get("/api/v1/radar/", {"page": page})

    assert (response.status_code, response.json()) == (400, {"page": "A page number: 1, 2, 3…"})


def test_radar_api_reads_an_empty_page_as_the_first(db, api_as):
    assert api_as("consumer").get("/api/v1/radar/?page=").json()["page"] == 1


@pytest.mark.parametrize("page", ["²", "x", ""])
def test_radar_page_shows_the_first_page_for_what_is_no_page_number(db, client_as, page):
    response = client_as("manager").get("/radar/", {"page": page})

    assert response.status_code == 200
