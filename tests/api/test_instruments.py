"""/api/v1/instruments/: the contract, its filters, transitions, party actions and history."""

import datetime

import pytest

from agreements.models import Instrument
from agreements.services import instrument_transition, party_action_record
from tests.factories import make_instrument

D = datetime.date


@pytest.fixture
def analyst(api_as):
    return api_as("analyst")


@pytest.fixture
def consumer(api_as):
    return api_as("consumer")


def test_create_records_parties_rule_and_first_history_row(db, analyst):
    response = analyst.post(
        "/api/v1/instruments/",
        {
            "title": "Agreement on air services",
            "short_title": "Air services",
            "kind": "agreement",
            "binding": True,
            "level": "government",
            "parties": ["kz", "IL"],
            "signed_at": "",
            "entry_into_force_rule": {
                "type": "first_day_of_month_after_last_notification",
                "months": 2,
            },
            "sectors": ["infrastructure-logistics"],
            "intent_stated_on": "2026-02-01",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {
        key: body[key]
        for key in (
            "parties",
            "status",
            "signed_on",
            "entry_into_force_rule",
            "sectors",
            "missing_steps",
        )
    } == {
        "parties": ["IL", "KZ"],
        "status": "proposed",
        "signed_on": None,
        "entry_into_force_rule": {
            "type": "first_day_of_month_after_last_notification",
            "days": None,
            "months": 2,
            "date": None,
        },
        "sectors": ["infrastructure-logistics"],
        "missing_steps": [
            "waiting for signature",
            "waiting for Israel's notification that internal procedures are complete",
            "waiting for Kazakhstan's notification that internal procedures are complete",
        ],
    }
    instrument = Instrument.objects.get(pk=body["id"])
    assert list(instrument.status_changes.values_list("to_status", "happened_on")) == [
        ("proposed", D(2026, 2, 1))
    ]


def test_status_cannot_be_written_directly(db, analyst):
    instrument = make_instrument()

    response = analyst.patch(
        f"/api/v1/instruments/{instrument.pk}/",
        {"status": "in_force", "title": "New title"},
        format="json",
    )

    assert response.status_code == 200
    instrument.refresh_from_db()
    assert (instrument.status, instrument.title) == ("proposed", "New title")


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"parties": ["KZ"]}, {"parties": ["An instrument needs at least two different parties."]}),
        ({"parties": ["KZ", "kz"]}, {"parties": ["A state can be a party only once."]}),
        (
            {"parties": ["KZ", "QQ"]},
            {
                "parties": {
                    "1": ["Unknown state code 'QQ': use ISO 3166-1 alpha-2, such as KZ or IL."]
                }
            },
        ),
        (
            {"entry_into_force_rule": {"type": "fixed_date"}},
            {"non_field_errors": ["Give the date exactly when the rule is 'on a fixed date'."]},
        ),
        (
            {"intent_stated_on": "2099-01-01"},
            {"intent_stated_on": ["That date is in the future: record it once it has happened."]},
        ),
        ({"kind": "pact"}, {"kind": ['"pact" is not a valid choice.']}),
    ],
)
def test_create_refuses_bad_input_readably_and_saves_nothing(db, analyst, body, errors):
    base = {"title": "T", "kind": "treaty", "parties": ["KZ", "IL"]}

    response = analyst.post("/api/v1/instruments/", {**base, **body}, format="json")

    assert (response.status_code, response.json()) == (400, errors)
    assert Instrument.objects.count() == 0


def test_transition_allowed_returns_the_new_state(db, analyst):
    instrument = make_instrument(entry_into_force_rule="on_signature", is_binding=False)

    response = analyst.post(
        f"/api/v1/instruments/{instrument.pk}/transition/",
        {"to": "signed", "date": "2026-01-27", "note": "Signed in Astana"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_label"], body["signed_on"], body["in_force_on"]) == (
        "in_force",
        "In effect",
        "2026-01-27",
        "2026-01-27",
    )


def test_forbidden_transition_answers_409_naming_the_allowed_and_changes_nothing(db, analyst):
    instrument = make_instrument()

    response = analyst.post(
        f"/api/v1/instruments/{instrument.pk}/transition/", {"to": "in_force"}, format="json"
    )

    assert (response.status_code, response.json()) == (
        409,
        {
            "detail": "An instrument that is proposed cannot become in force. Allowed next: "
            "under negotiation, text agreed, signed, abandoned."
        },
    )
    assert instrument.status_changes.count() == 1


def test_transition_refuses_a_date_before_the_current_status(db, analyst):
    instrument = make_instrument(intent_stated_on=D(2026, 1, 10))

    response = analyst.post(
        f"/api/v1/instruments/{instrument.pk}/transition/",
        {"to": "signed", "date": "2026-01-09"},
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"date": ["The date cannot be before 10 Jan 2026, when it became proposed."]},
    )


def test_party_actions_move_the_projected_date_and_the_status(db, analyst, consumer):
    instrument = make_instrument(
        entry_into_force_rule="days_after_last_notification", entry_into_force_days=30
    )
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 3, 1))
    url = f"/api/v1/instruments/{instrument.pk}/"

    first = analyst.post(
        url + "party-actions/",
        {"party": "KZ", "action": "notification", "taken_on": "2026-04-01"},
        format="json",
    )
    middle = consumer.get(url).json()
    last = analyst.post(
        url + "party-actions/",
        {
            "party": "IL",
            "action": "notification",
            "taken_on": "2026-05-10",
            "reference": "NV 12/2026",
        },
        format="json",
    )
    after = consumer.get(url).json()

    assert (first.status_code, last.status_code) == (201, 201)
    assert (middle["projected_in_force_on"], middle["missing_steps"]) == (
        None,
        ["waiting for Israel's notification that internal procedures are complete"],
    )
    assert (after["status"], after["in_force_on"], after["projected_in_force_on"]) == (
        "in_force",
        "2026-06-09",
        "2026-06-09",
    )
    listed = consumer.get(url + "party-actions/").json()
    assert [(a["party"], a["action"], a["reference"]) for a in listed] == [
        ("KZ", "notification", ""),
        ("IL", "notification", "NV 12/2026"),
    ]


def test_party_action_by_a_non_party_is_refused(db, analyst):
    instrument = make_instrument()

    response = analyst.post(
        f"/api/v1/instruments/{instrument.pk}/party-actions/",
        {"party": "FR", "action": "ratification", "taken_on": "2026-01-01"},
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"party": ["France is not a party to this instrument."]},
    )


def test_party_actions_need_write_permission(db, api_as):
    instrument = make_instrument()

    response = api_as("manager").post(
        f"/api/v1/instruments/{instrument.pk}/party-actions/",
        {"party": "KZ", "action": "ratification", "taken_on": "2026-01-01"},
        format="json",
    )

    assert response.status_code == 403
    assert instrument.party_actions.count() == 0


def test_history_is_oldest_first_with_who_recorded_it(db, analyst, consumer):
    instrument = make_instrument(intent_stated_on=D(2026, 1, 1))
    analyst.post(
        f"/api/v1/instruments/{instrument.pk}/transition/",
        {"to": "signed", "date": "2026-01-27"},
        format="json",
    )

    rows = consumer.get(f"/api/v1/instruments/{instrument.pk}/history/").json()

    assert [(r["from_status"], r["to_status"], r["happened_on"]) for r in rows] == [
        ("", "proposed", "2026-01-01"),
        ("proposed", "signed", "2026-01-27"),
    ]
    assert rows[1]["recorded_by"].startswith("user")


def test_replacing_parties_keeps_those_that_acted(db, analyst):
    instrument = make_instrument()
    party_action_record(
        instrument=instrument, state="IL", action="ratification", taken_on=D(2025, 6, 1)
    )
    url = f"/api/v1/instruments/{instrument.pk}/"

    refused = analyst.patch(url, {"parties": ["KZ", "FR"]}, format="json")
    accepted = analyst.patch(url, {"parties": ["KZ", "IL", "FR"]}, format="json")

    assert (refused.status_code, refused.json()) == (
        400,
        {
            "parties": [
                "Israel has recorded actions on this instrument; "
                "delete those before removing it as a party."
            ]
        },
    )
    assert (accepted.status_code, accepted.json()["parties"]) == (200, ["FR", "IL", "KZ"])


def test_a_null_rule_clears_it_and_a_new_rule_replaces_it_whole(db, analyst):
    instrument = make_instrument(
        entry_into_force_rule="days_after_last_notification", entry_into_force_days=30
    )
    url = f"/api/v1/instruments/{instrument.pk}/"

    replaced = analyst.patch(
        url, {"entry_into_force_rule": {"type": "on_signature"}}, format="json"
    ).json()
    cleared = analyst.patch(url, {"entry_into_force_rule": None}, format="json").json()

    assert replaced["entry_into_force_rule"] == {
        "type": "on_signature",
        "days": None,
        "months": None,
        "date": None,
    }
    assert cleared["entry_into_force_rule"] is None


# --- Filters ----------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """Three instruments: KZ–IL signed and in force, KZ–FR signed, IL–FR proposed."""
    kz_il = make_instrument(
        title="Water cooperation",
        parties=("KZ", "IL"),
        entry_into_force_rule="on_signature",
        notes="drip irrigation",
    )
    instrument_transition(instrument=kz_il, to="signed", on=D(2026, 1, 27))
    kz_fr = make_instrument(title="Nuclear research", parties=("KZ", "FR"))
    instrument_transition(instrument=kz_fr, to="signed", on=D(2025, 6, 1))
    il_fr = make_instrument(title="Visa waiver", parties=("IL", "FR"))
    return {"kz_il": kz_il, "kz_fr": kz_fr, "il_fr": il_fr}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=signed", ["kz_fr"]),
        ("status=signed&status=in_force", ["kz_il", "kz_fr"]),
        ("party=KZ", ["kz_il", "kz_fr"]),
        ("party=KZ&party=IL", ["kz_il"]),
        ("pair=IL-KZ", ["kz_il"]),
        ("pair=kz-fr", ["kz_fr"]),
        ("signed_after=2026-01-01", ["kz_il"]),
        ("signed_before=2025-12-31", ["kz_fr"]),
        ("in_force=true", ["kz_il"]),
        ("in_force=false", ["kz_fr", "il_fr"]),
        ("kind=agreement&q=irrigation", ["kz_il"]),
        ("q=visas", ["il_fr"]),
        ("ordering=title", ["kz_fr", "il_fr", "kz_il"]),
    ],
)
def test_instrument_filters(world, consumer, query, expected):
    response = consumer.get(f"/api/v1/instruments/?{query}")

    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    wanted = [world[name].pk for name in expected]
    assert ids == wanted if "ordering" in query else sorted(ids) == sorted(wanted)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            "pair=KZ",
            {"pair": ["Give two ISO 3166-1 alpha-2 codes joined by a hyphen, such as KZ-IL."]},
        ),
        (
            "pair=KZ-QQ",
            {"pair": ["Give two ISO 3166-1 alpha-2 codes joined by a hyphen, such as KZ-IL."]},
        ),
        (
            "pair=",
            {
                "pair": [
                    "Give two ISO 3166-1 alpha-2 codes joined by a hyphen, such as KZ-IL. "
                    "An empty pair is not one."
                ]
            },
        ),
        (
            "status=great",
            {"status": ["Select a valid choice. great is not one of the available choices."]},
        ),
        ("signed_after=yesterday", {"signed_after": ["Enter a valid date."]}),
    ],
)
def test_bad_filters_answer_400(db, consumer, query, errors):
    response = consumer.get(f"/api/v1/instruments/?{query}")

    assert (response.status_code, response.json()) == (400, errors)


def test_a_page_size_above_the_maximum_answers_400_naming_it(world, consumer):
    # It used to be cut to 500 quietly: a program would take that page for all there is.
    response = consumer.get("/api/v1/instruments/?page_size=100000")

    assert (response.status_code, response.json()) == (
        400,
        {"page_size": "Give a whole number from 1 to 500."},
    )


@pytest.mark.parametrize("rows", [1, 3])
def test_instrument_list_runs_the_same_queries_at_one_and_three_rows(
    db, consumer, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_instrument(
            entry_into_force_rule="days_after_last_notification",
            entry_into_force_days=30,
            sectors=[],
        )

    # 1 savepoint, 2 token with its user, 3-4 permissions, 5 the data version (the answer's key,
    # agreements/api/conditional.py), 6 count, 7 rows with their parties, notifications, sectors
    # and sources as arrays, 8 the data version again (the key of the states' names), 9 the
    # states' names, 10 release
    with django_assert_num_queries(10):
        response = consumer.get("/api/v1/instruments/")
    # (Inside this test's transaction, which has written, nothing is kept: the kept answers
    # are tested in test_conditional.py, on committed data.)

    assert len(response.json()["results"]) == rows


def test_as_of_gives_the_status_on_that_day(db, consumer):
    instrument = make_instrument(intent_stated_on=D(2025, 1, 10), is_binding=False)
    instrument_transition(instrument=instrument, to="signed", on=D(2025, 6, 1), promote=False)
    instrument_transition(instrument=instrument, to="in_force", on=D(2025, 9, 1))
    url = f"/api/v1/instruments/{instrument.pk}/"

    statuses = {
        day: consumer.get(f"{url}?as_of={day}").json()["status_label"]
        for day in ("2025-01-10", "2025-05-31", "2025-06-01", "2025-08-31", "2025-09-01")
    }
    before = consumer.get("/api/v1/instruments/?as_of=2025-01-09").json()["count"]

    assert statuses == {
        "2025-01-10": "Proposed",
        "2025-05-31": "Proposed",
        "2025-06-01": "Signed",
        "2025-08-31": "Signed",
        "2025-09-01": "In effect",
    }
    assert before == 0
    listed = consumer.get("/api/v1/instruments/?as_of=2025-07-01").json()["results"]
    assert [(row["id"], row["status"]) for row in listed] == [(instrument.pk, "signed")]


def test_as_of_ignores_retracted_entries_and_refuses_a_bad_date(db, consumer):
    from agreements.services import status_change_correct

    instrument = make_instrument(intent_stated_on=D(2025, 1, 10))
    mistaken = instrument_transition(instrument=instrument, to="signed", on=D(2025, 6, 1))
    status_change_correct(change=mistaken, reason="Never signed")
    url = f"/api/v1/instruments/{instrument.pk}/"

    assert consumer.get(f"{url}?as_of=2025-07-01").json()["status"] == "proposed"
    response = consumer.get(f"{url}?as_of=July")
    assert (response.status_code, response.json()) == (
        400,
        {"as_of": "Give a date as YYYY-MM-DD."},
    )


def test_a_huge_payload_answers_413_and_saves_nothing(db, analyst):
    body = '{"title": "' + "x" * 3_000_000 + '", "kind": "treaty", "parties": ["KZ", "IL"]}'

    response = analyst.post("/api/v1/instruments/", body, content_type="application/json")

    assert (response.status_code, response.json()) == (
        413,
        {"detail": "The request body is larger than the 2.5 MiB this API accepts."},
    )
    assert Instrument.objects.count() == 0


def test_setting_a_rule_that_is_already_met_brings_it_into_force_as_in_the_admin(db, analyst):
    instrument = make_instrument()
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27))

    response = analyst.patch(
        f"/api/v1/instruments/{instrument.pk}/",
        {"entry_into_force_rule": {"type": "on_signature"}},
        format="json",
    )

    assert (response.json()["status"], response.json()["in_force_on"]) == ("in_force", "2026-01-27")
