"""The pair rows (`agreements/models/pairs.py`): the triggers keep them equal to what the parties,
meetings' states and origins say, whatever writes those, and `refresh_all()` rebuilds the same."""

import datetime
import threading

import pytest
from django.db import connection, transaction

from agreements import services
from agreements.models import FollowUpAction, Instrument, InstrumentParty
from agreements.models.pairs import (
    FollowUpPair,
    InstrumentPair,
    InstrumentPairCount,
    MeetingPair,
    refresh_all,
)
from tests.factories import MeetingFactory, make_action, make_instrument, state

pytestmark = pytest.mark.django_db


def instrument_pairs(instrument):
    return set(
        InstrumentPair.objects.filter(instrument=instrument).values_list(
            "state_a", "state_b", "status", "signed_on", "title"
        )
    )


def action_pairs(action):
    return set(
        FollowUpPair.objects.filter(action=action).values_list(
            "state_a", "state_b", "status", "due_on", "title"
        )
    )


def counts_are_true() -> bool:
    """The kept counts per pair and status equal a count of the pair rows."""
    kept = {
        (row.state_a, row.state_b, row.status): row.instruments
        for row in InstrumentPairCount.objects.filter(instruments__gt=0)
    }
    counted = {}
    for key in InstrumentPair.objects.values_list("state_a", "state_b", "status"):
        counted[key] = counted.get(key, 0) + 1
    return kept == counted


def every_pair_row() -> set:
    return (
        {("i", *row) for row in InstrumentPair.objects.values_list()}
        | {("m", *row) for row in MeetingPair.objects.values_list()}
        | {("f", *row) for row in FollowUpPair.objects.values_list()}
    )


def test_an_instrument_has_a_row_per_pair_of_its_parties_in_code_order():
    instrument = make_instrument(parties=("KZ", "IL", "FR"), title="Trilateral")

    assert instrument_pairs(instrument) == {
        ("FR", "IL", "proposed", None, "Trilateral"),
        ("FR", "KZ", "proposed", None, "Trilateral"),
        ("IL", "KZ", "proposed", None, "Trilateral"),
    }
    assert list(Instrument.objects.for_pair("KZ", "IL")) == [instrument]
    assert list(Instrument.objects.for_pair("il", "kz")) == [instrument]


def test_status_signature_and_title_are_copied_when_they_change():
    instrument = make_instrument(title="Visa")
    services.instrument_transition(
        instrument=instrument, to="signed", on=datetime.date(2026, 1, 27)
    )
    Instrument.objects.filter(pk=instrument.pk).update(title="Visa exemption")

    assert instrument_pairs(instrument) == {
        ("IL", "KZ", "signed", datetime.date(2026, 1, 27), "Visa exemption")
    }
    signed = InstrumentPairCount.objects.get(state_a="IL", state_b="KZ", status="signed")
    assert signed.instruments == 1
    assert counts_are_true()


def test_parties_added_changed_and_removed_change_the_pairs():
    instrument = make_instrument(parties=("KZ", "IL"))
    party = InstrumentParty.objects.create(instrument=instrument, state=state("FR"))
    assert len(instrument_pairs(instrument)) == 3

    party.state = state("DE")
    party.save()
    assert {row[:2] for row in instrument_pairs(instrument)} == {
        ("DE", "IL"),
        ("DE", "KZ"),
        ("IL", "KZ"),
    }

    party.delete()
    assert {row[:2] for row in instrument_pairs(instrument)} == {("IL", "KZ")}
    assert not Instrument.objects.for_pair("KZ", "DE").exists()
    assert counts_are_true()


def test_a_convention_has_every_pair_of_its_parties_and_its_follow_ups_follow():
    codes = ["AT", "BE", "DE", "DK", "ES", "FR", "IT", "NL", "PT", "SE"]
    convention = make_instrument(parties=codes, title="Convention")
    action = make_action(origin_meeting=MeetingFactory(states=["KZ", "IL"]))
    action.origin_instrument = convention
    action.save()
    assert len(instrument_pairs(convention)) == 45
    assert len(action_pairs(action)) == 46

    InstrumentParty.objects.filter(instrument=convention, state="SE").delete()
    action.due_on = datetime.date(2026, 12, 1)
    action.save()

    assert len(instrument_pairs(convention)) == 36
    assert len(action_pairs(action)) == 37
    assert {row[3] for row in action_pairs(action)} == {datetime.date(2026, 12, 1)}
    assert counts_are_true()


def test_a_follow_up_belongs_to_the_pairs_of_its_meeting_and_instrument():
    meeting = MeetingFactory(states=["KZ", "IL"])
    instrument = make_instrument(parties=("KZ", "IL", "FR"))
    action = make_action(origin_meeting=meeting, title="Convene", due_on=datetime.date(2026, 6, 1))
    assert action_pairs(action) == {("IL", "KZ", "planned", datetime.date(2026, 6, 1), "Convene")}

    action.origin_instrument = instrument
    action.save()
    # KZ-IL through both origins, once.
    assert {row[:2] for row in action_pairs(action)} == {("FR", "IL"), ("FR", "KZ"), ("IL", "KZ")}

    services.action_record_update(
        action=action, happened_on=datetime.date(2026, 2, 1), note="Begun", to_status="in_progress"
    )
    assert {row[2] for row in action_pairs(action)} == {"in_progress"}


def test_a_meetings_states_and_start_reach_its_pairs_and_its_follow_ups():
    meeting = MeetingFactory(states=["KZ", "IL"])
    action = make_action(origin_meeting=meeting)

    meeting.states.add(state("FR"))
    meeting.starts_on = datetime.date(2026, 3, 1)
    meeting.save()

    assert set(MeetingPair.objects.filter(meeting=meeting).values_list("state_a", "state_b")) == {
        ("FR", "IL"),
        ("FR", "KZ"),
        ("IL", "KZ"),
    }
    assert set(MeetingPair.objects.values_list("starts_on", flat=True)) == {
        datetime.date(2026, 3, 1)
    }
    assert list(FollowUpAction.objects.for_pair("FR", "KZ")) == [action]

    meeting.states.remove(state("FR"))
    assert not FollowUpAction.objects.for_pair("FR", "KZ").exists()


def test_deleting_an_instrument_deletes_its_pairs():
    instrument = make_instrument()
    make_instrument(parties=("KZ", "IL", "FR"))
    deleted = instrument.pk
    instrument.delete()

    assert not InstrumentPair.objects.filter(instrument_id=deleted).exists()
    assert InstrumentPairCount.objects.get(state_a="IL", state_b="KZ").instruments == 1
    assert counts_are_true()


def test_refresh_all_rebuilds_what_the_triggers_wrote():
    meeting = MeetingFactory(states=["KZ", "IL", "FR"])
    instrument = make_instrument(parties=("KZ", "IL"))
    make_action(origin_meeting=meeting)
    make_action(origin_meeting=meeting, origin_instrument=instrument, title="Both")
    written = every_pair_row()
    assert len(written) == 3 + 1 + 3 + 3
    assert counts_are_true()

    refresh_all()

    assert every_pair_row() == written
    assert counts_are_true()


@pytest.mark.parametrize(
    "url, same_rows, expected",
    [
        ("/api/v1/instruments/", {"status": "proposed"}, 3),
        ("/api/v1/meetings/", {"status": "held"}, 1),
        ("/api/v1/actions/", {"status": "planned"}, 3),
    ],
)
def test_a_list_filtered_by_pair_alone_counts_what_the_filters_count(
    api_as, url, same_rows, expected
):
    meeting = MeetingFactory(states=["KZ", "IL"])
    for number in range(3):
        make_action(origin_meeting=meeting, title=f"Action {number}")
        make_instrument(parties=("KZ", "IL"))
    make_action(origin_meeting=MeetingFactory(states=["KZ", "FR"]))
    make_instrument(parties=("KZ", "FR"))
    client = api_as("consumer")

    # Counted from the pair rows, and by the list's own query with one more filter.
    alone = client.get(url, {"pair": "IL-KZ", "page_size": 2})
    filtered = client.get(url, {"pair": "IL-KZ", "page_size": 2, **same_rows})

    assert alone.data["count"] == filtered.data["count"] == expected
    assert alone.data["results"] == filtered.data["results"]
    assert len(alone.data["results"]) == min(2, expected)


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"pair": "KZ-kz"}, 0),  # one state is no pair
        ({"pair": ["FR-KZ", "IL-KZ"]}, 3),  # the last one counts, as for the filter
    ],
)
def test_odd_pairs_are_counted_as_the_filter_reads_them(api_as, query, expected):
    for _ in range(3):
        make_instrument(parties=("KZ", "IL"))
    make_instrument(parties=("KZ", "FR"))

    response = api_as("consumer").get("/api/v1/instruments/", query)

    assert response.status_code == 200
    assert response.data["count"] == len(response.data["results"]) == expected


@pytest.mark.parametrize("url", ["/api/v1/instruments/", "/api/v1/radar/"])
def test_an_empty_pair_is_refused_by_the_api(api_as, url):
    response = api_as("consumer").get(url, {"pair": ""})

    assert (response.status_code, response.json()) == (
        400,
        {
            "pair": [
                "Give two ISO 3166-1 alpha-2 codes joined by a hyphen, such as KZ-IL. "
                "An empty pair is not one."
            ]
        },
    )


def test_an_empty_pair_box_on_a_page_is_no_filter(db, client_as):
    response = client_as("consumer").get("/radar/", {"pair": "", "kind": ""})

    assert (response.status_code, response.context["selection"].errors) == (200, {})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parties_added_at_once_by_two_writers_give_every_pair():
    instrument = make_instrument(parties=("KZ", "IL"))
    first_wrote, second_done = threading.Event(), threading.Event()

    def second_writer():
        # Its own connection (Django's are per thread), adding FR while DE is not yet committed.
        first_wrote.wait()
        with transaction.atomic():
            InstrumentParty.objects.create(instrument=instrument, state=state("FR"))
        connection.close()
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    with transaction.atomic():
        InstrumentParty.objects.create(instrument=instrument, state=state("DE"))
        first_wrote.set()
        second_done.wait(timeout=1)  # the second writer waits for this one to commit
    thread.join()

    assert {row[:2] for row in instrument_pairs(instrument)} == {
        ("DE", "FR"),
        ("DE", "IL"),
        ("DE", "KZ"),
        ("FR", "IL"),
        ("FR", "KZ"),
        ("IL", "KZ"),
    }
    assert counts_are_true()
