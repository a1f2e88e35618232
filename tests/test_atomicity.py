"""A write that fails half-way leaves the database exactly as it was: compared row by row through
the full export (objects, relations, audit events and the changes feed)."""

import datetime
import io

import pytest
from django.db import connection

from agreements.data_dump import export_data
from agreements.services import instrument_transition
from tests.factories import make_instrument
from tests.test_admin import INLINE_MANAGEMENT_FORMS, instrument_form

pytestmark = pytest.mark.django_db


def snapshot() -> str:
    out = io.StringIO()
    export_data(out)
    return out.getvalue()


@pytest.fixture
def signed_treaty():
    instrument = make_instrument(
        entry_into_force_rule="days_after_last_notification", entry_into_force_days=30
    )
    instrument_transition(instrument=instrument, to="signed", on=datetime.date(2026, 1, 27))
    return instrument


def test_database_failure_half_way_through_a_request_changes_nothing(signed_treaty, api_as):
    client = api_as("analyst")
    url = f"/api/v1/instruments/{signed_treaty.pk}/party-actions/"
    client.post(
        url, {"party": "KZ", "action": "notification", "taken_on": "2026-02-01"}, format="json"
    )
    # The last notification brings the treaty into force: the party action is written first,
    # then the status history. Make the database refuse the second write.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql; "
            "CREATE TRIGGER refuse BEFORE INSERT ON agreements_statuschange "
            "FOR EACH ROW EXECUTE FUNCTION refuse();"
        )
    before = snapshot()
    client.raise_request_exception = False

    response = client.post(
        url, {"party": "IL", "action": "notification", "taken_on": "2026-03-01"}, format="json"
    )

    assert response.status_code == 500
    assert response.json()["detail"].startswith("Something went wrong on our side. Nothing was")
    assert snapshot() == before


def party_action_batch(instrument, *rows):
    parties = list(instrument.parties.order_by("state_id"))
    data = instrument_form(
        title=instrument.title,
        kind="agreement",
        **{
            "parties-INITIAL_FORMS": "2",
            **{
                f"parties-{index}-{field}": value
                for index, party in enumerate(parties)
                for field, value in [
                    ("id", party.pk),
                    ("instrument", instrument.pk),
                    ("state", party.state_id),
                ]
            },
            "party_actions-TOTAL_FORMS": str(len(rows)),
            "party_actions-INITIAL_FORMS": "0",
            "party_actions-MIN_NUM_FORMS": "0",
            "party_actions-MAX_NUM_FORMS": "1000",
            **{
                f"party_actions-{index}-{field}": value
                for index, row in enumerate(rows)
                for field, value in zip(("state", "action", "taken_on"), row, strict=True)
            },
            **{k: v for k, v in INLINE_MANAGEMENT_FORMS.items() if "party_actions" not in k},
        },
    )
    del data["intent_stated_on"]
    return data


def test_admin_batch_with_one_bad_party_action_saves_none_of_it(signed_treaty, client_as):
    client = client_as("analyst")
    before = snapshot()
    batch = party_action_batch(
        signed_treaty,
        ("KZ", "notification", "2026-02-01"),
        ("US", "notification", "2026-03-01"),  # not a party
    )

    response = client.post(f"/admin/agreements/instrument/{signed_treaty.pk}/change/", batch)

    assert response.status_code == 200
    assert "United States is not a party to this instrument." in response.content.decode()
    assert snapshot() == before


def test_admin_inline_constraint_violation_saves_none_of_it(signed_treaty, client_as):
    client = client_as("analyst")
    before = snapshot()
    data = party_action_batch(signed_treaty, ("KZ", "notification", "2026-02-01"))
    data["title"] = "Renamed in the same save"
    data["parties-0-state"] = data["parties-1-state"]  # two parties that are the same state

    response = client.post(f"/admin/agreements/instrument/{signed_treaty.pk}/change/", data)

    assert response.status_code == 200
    assert snapshot() == before
