"""What needs a manager: the home page's counts per relationship, its words and its order, the
relationship page's headline, and one name for a pair everywhere."""

import datetime
import itertools

import pytest
from django.db import connection
from django.utils.formats import date_format

from agreements import services
from agreements.attention import Attention, attention_by_pair
from agreements.models import (
    FollowUpAction,
    FollowUpPairCount,
    Indicator,
    Instrument,
    Meeting,
    is_due_soon,
    is_overdue,
    is_stale,
    today,
)
from agreements.models.pairs import refresh_all
from tests.factories import MeetingFactory, make_action, make_instrument, state

D = datetime.date


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def varied_follow_ups(db):
    """Open and closed follow-ups of KZ-IL and KZ-FR around every edge the counts have: due
    yesterday, today, in 30 and 31 days, undated; agreed 90 and 91 days ago; updated lately."""
    on = today()
    kz_il = MeetingFactory(states=["KZ", "IL"], starts_on=on - days(200))
    kz_fr = MeetingFactory(states=["KZ", "FR"], starts_on=on - days(200))
    ministry = state("KZ").organizations.create(name="Ministry of Foreign Affairs")
    made = []
    dues = [None, on - days(1), on, on + days(30), on + days(31)]
    agreed = [on - days(200), on - days(91), on - days(90)]
    statuses = [FollowUpAction.Status.PLANNED, FollowUpAction.Status.COMPLETED]
    for index, (due_on, agreed_on, status, meeting) in enumerate(
        itertools.product(dues, agreed, statuses, [kz_il, kz_fr])
    ):
        if due_on is not None and due_on < agreed_on:
            continue
        action = make_action(
            title=f"Promise {index}",
            origin_meeting=meeting,
            agreed_on=agreed_on,
            due_on=due_on,
            responsible_organization=ministry if index % 3 == 0 else None,
        )
        if status != FollowUpAction.Status.PLANNED:
            services.action_record_update(
                action=action, note="Done", happened_on=agreed_on, to_status=status
            )
        made.append(action)
    # A recent update makes an old promise fresh again; an old update does not.
    services.action_record_update(action=made[0], note="Talks resumed", happened_on=on - days(5))
    services.action_record_update(action=made[1], note="Reminder", happened_on=on - days(120))
    return made


def counted_one_by_one(code_a: str, code_b: str) -> dict:
    """The same counts, the slow and obvious way: every follow-up of the pair, by the board's
    own definitions."""
    pair = FollowUpAction.objects.filter(pairs__state_a=code_a, pairs__state_b=code_b).open()
    return {
        "open": pair.count(),
        "overdue": pair.filter(is_overdue()).count(),
        "due_soon": pair.filter(is_due_soon()).count(),
        "stale": pair.filter(is_stale()).count(),
        "undated": pair.filter(due_on=None).count(),
        "unassigned": pair.filter(
            responsible_state=None, responsible_organization=None, responsible_contact=None
        ).count(),
    }


def counts_of(entry: Attention) -> dict:
    return {name: getattr(entry, name) for name in counted_one_by_one("IL", "KZ")}


def test_attention_counts_agree_with_the_boards_definitions(varied_follow_ups):
    found = attention_by_pair()

    assert counts_of(found[("IL", "KZ")]) == counted_one_by_one("IL", "KZ")
    assert counts_of(found[("FR", "KZ")]) == counted_one_by_one("FR", "KZ")
    # The edges themselves, so that the comparison above cannot pass on empty sets.
    assert found[("IL", "KZ")].overdue > 0 and found[("IL", "KZ")].due_soon > 0
    assert 0 < found[("IL", "KZ")].stale < found[("IL", "KZ")].open


def test_attention_of_one_pair_is_the_same_as_among_all(varied_follow_ups):
    alone = attention_by_pair(("KZ", "IL"))

    assert list(alone) == [("IL", "KZ")]
    assert counts_of(alone[("IL", "KZ")]) == counts_of(attention_by_pair()[("IL", "KZ")])


def test_attention_counts_follow_every_change_of_a_follow_up(varied_follow_ups):
    action = next(a for a in varied_follow_ups if a.status == "planned" and a.due_on is None)
    action.due_on = today() + days(3)
    action.responsible_state = state("IL")
    action.save()
    other = next(a for a in varied_follow_ups if a.status == "planned" and a != action)
    services.action_record_update(action=other, note="Stopped", to_status="on_hold")
    FollowUpAction.objects.filter(pk=varied_follow_ups[3].pk).delete()

    assert counts_of(attention_by_pair()[("IL", "KZ")]) == counted_one_by_one("IL", "KZ")


def test_attention_counts_survive_a_rebuild_from_scratch(varied_follow_ups):
    before = FollowUpPairCount.objects.order_by(*FollowUpPairCount._meta.pk.field_names)
    kept = list(before.values_list())

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    refresh_all()

    assert list(before.values_list()) == kept


def test_attention_in_words():
    entry = Attention(
        ("IL", "KZ"),
        instruments={"proposed": 1, "signed": 5},
        waiting=5,
        open=4,
        stale=4,
        unassigned=3,
        undated=4,
    )

    assert entry.in_words() == (
        "1 proposed, 5 signed, none in force · "
        "4 open promises: all stale, 3 without an owner, none dated"
    )
    assert Attention(("FR", "KZ"), instruments={"in_force": 2}).in_words() == (
        "2 in force · no open promises"
    )
    assert Attention(("FR", "KZ"), open=1, due_soon=1).promises_in_words() == (
        "1 open promise: 1 due within 30 days"
    )


def test_home_puts_the_relationship_that_needs_most_first(demo, client_as):
    # Kazakhstan–France has an instrument in force and nothing pending: it goes below KZ-IL.
    make_instrument(parties=("KZ", "FR"), title="Air services", kind="agreement")
    page = client_as("manager").get("/")

    assert [row["name"] for row in page.context["page"]] == [
        "Israel–Kazakhstan",
        "France–Kazakhstan",
    ]
    text = page.content.decode()
    assert "1 of 2 relationships needs attention" in text
    assert "4 open promises: all stale, 3 without an owner, none dated" in text


def test_home_state_comes_first_in_every_pairs_name(demo, client_as, settings):
    settings.HOME_STATE = "KZ"
    client = client_as("manager")

    home = client.get("/")
    relationship = client.get("/relations/IL-KZ/")

    assert [row["name"] for row in home.context["page"]] == ["Kazakhstan–Israel"]
    assert 'href="/relations/KZ-IL/"' in home.content.decode()
    assert relationship.context["name"] == "Kazakhstan–Israel"
    assert "<h1>Kazakhstan–Israel</h1>" in relationship.content.decode()
    assert relationship.context["calendar_url"].endswith("/KZ-IL.ics")
    calendar = client.get(relationship.context["calendar_url"]).content.decode()
    assert "X-WR-CALNAME:Bilateral Kazakhstan–Israel" in calendar


def test_relationship_headline_says_where_it_stands(demo, client_as):
    page = client_as("manager").get("/relations/KZ-IL/")

    assert page.context["headline"] == [
        "Nothing is in force between Israel and Kazakhstan yet "
        "(1 proposed, 5 signed, none in force).",
        "5 signed instruments are not yet in force, and none has its rule of entry into force "
        "recorded.",
        "4 open promises: all stale, 3 without an owner, none dated.",
        "The last meeting was the Official visit of Israeli Foreign Minister Gideon Sa’ar to "
        f"Kazakhstan on {date_format(D(2026, 1, 27))} (and 3 more meetings that day); next: the "
        "Visit of "
        "President Tokayev to Israel (proposed, not yet dated).",
    ]


def test_relationship_headline_names_whose_step_is_missing(db, client_as):
    treaty = make_instrument(
        title="Treaty on mutual legal assistance",
        entry_into_force_rule=Instrument.EntryIntoForceRule.DAYS_AFTER_LAST_NOTIFICATION,
        entry_into_force_days=30,
    )
    services.instrument_transition(instrument=treaty, to=Instrument.Status.SIGNED, on=D(2026, 3, 1))
    services.party_action_record(
        instrument=treaty, state=state("KZ"), action="notification", taken_on=D(2026, 4, 1)
    )

    headline = client_as("manager").get("/relations/KZ-IL/").context["headline"]

    assert headline[1] == (
        "1 signed instrument waits for entry into force: Treaty on mutual legal assistance is "
        "waiting for Israel's notification that internal procedures are complete."
    )


def test_relationship_timeline_has_one_line_per_instrument_and_day(demo, client_as):
    page = client_as("manager").get("/relations/KZ-IL/")

    lines = [e for e in page.context["timeline"] if e["kind"] == "status"]
    keys = [(e["instrument"].pk, e["on"]) for e in lines]
    assert len(keys) == len(set(keys)) == Instrument.objects.count()
    memo = next(e for e in lines if e["instrument"].title.startswith("Memorandum"))
    assert memo["steps"] == ["proposed", "signed"]
    assert "proposed, then signed" in page.content.decode()


def test_relationship_figures_over_several_periods_are_a_series(demo, client_as):
    Indicator.objects.create(
        metric=Indicator.objects.first().metric,
        state_a=state("IL"),
        state_b=state("KZ"),
        period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30),
        value=95,
        unit="USD million",
    )

    page = client_as("manager").get("/relations/KZ-IL/").content.decode()

    assert page.count("<circle") == 2 and "<polyline" in page


def test_meeting_kinds_all_have_a_weight_for_the_headline_and_the_home_page():
    assert sorted(Meeting.KIND_WEIGHT) == sorted(Meeting.Kind)
