"""Changing an instrument (`services.instrument_update`): the admin's change form and the API's
PATCH are two doors to the same service, so the same change gives the same instrument, the same
refusal gives the same words, and the audit trail records it whichever door it came through."""

import datetime

import pytest

from agreements.models import InstrumentEvent, InstrumentPartyEvent, PartyAction
from agreements.services import instrument_update
from tests.factories import OrganizationFactory, make_instrument, state

pytestmark = pytest.mark.django_db

RULE = {"entry_into_force_rule": "days_after_last_notification", "entry_into_force_days": 30}


def admin_change_form(instrument, *, title, parties):
    """The admin's change form for `instrument` as a browser posts it: its fields, `parties` (state
    codes, those it has first, in the same rows) and the other inlines empty."""
    rows = list(instrument.parties.order_by("state_id"))
    new = [code for code in parties if code not in {row.state_id for row in rows}]
    data = {
        "title": title,
        "kind": instrument.kind,
        "is_binding": "on",
        "level": instrument.level,
        "entry_into_force_rule": instrument.entry_into_force_rule,
        "entry_into_force_days": str(instrument.entry_into_force_days),
        "parties-TOTAL_FORMS": str(len(rows) + len(new)),
        "parties-INITIAL_FORMS": str(len(rows)),
        "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "1000",
    }
    for prefix in ("party_actions", "links", "status_changes", "documents"):
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{prefix}-{name}"] = "1000" if name == "MAX_NUM_FORMS" else "0"
    for index, row in enumerate(rows):
        data[f"parties-{index}-id"] = str(row.pk)
        data[f"parties-{index}-instrument"] = str(instrument.pk)
        data[f"parties-{index}-state"] = row.state_id
        if row.state_id not in parties:
            data[f"parties-{index}-DELETE"] = "on"
    for index, code in enumerate(new, start=len(rows)):
        data[f"parties-{index}-state"] = code
    return data


def through_the_admin(client_as, instrument, *, title, parties):
    response = client_as("analyst").post(
        f"/admin/agreements/instrument/{instrument.pk}/change/",
        admin_change_form(instrument, title=title, parties=parties),
    )
    if response.status_code == 302:
        return []
    return response.context["errors"]


def through_the_api(api_as, instrument, *, title, parties):
    response = api_as("analyst").patch(
        f"/api/v1/instruments/{instrument.pk}/",
        {"title": title, "parties": parties},
        format="json",
    )
    if response.status_code == 200:
        return []
    assert response.status_code == 400
    return [message for messages in response.json().values() for message in messages]


def what_it_holds(instrument):
    instrument.refresh_from_db()
    parties = sorted(instrument.parties.values_list("state_id", flat=True))
    return instrument.title, parties, instrument.status


def test_same_change_through_admin_and_api_gives_the_same_instrument(client_as, api_as):
    by_admin = make_instrument(**RULE)
    by_api = make_instrument(**RULE)

    admin_errors = through_the_admin(client_as, by_admin, title="Visa waiver", parties=["KZ", "FR"])
    api_errors = through_the_api(api_as, by_api, title="Visa waiver", parties=["KZ", "FR"])

    assert (admin_errors, api_errors) == ([], [])
    assert (
        what_it_holds(by_admin)
        == what_it_holds(by_api)
        == ("Visa waiver", ["FR", "KZ"], "proposed")
    )


@pytest.mark.parametrize(
    ("parties", "acted", "message"),
    [
        (["KZ"], None, "An instrument needs at least two different parties."),
        (
            ["KZ", "FR"],
            "IL",
            "Israel has recorded actions on this instrument; delete those before removing it "
            "as a party.",
        ),
    ],
)
def test_same_refusal_through_admin_and_api_in_the_same_words(
    client_as, api_as, parties, acted, message
):
    by_admin = make_instrument(title="Visas", **RULE)
    by_api = make_instrument(title="Visas", **RULE)
    for instrument in (by_admin, by_api):
        if acted:
            PartyAction.objects.create(
                instrument=instrument,
                state_id=acted,
                action="ratification",
                taken_on=datetime.date(2025, 5, 1),
            )

    admin_errors = through_the_admin(client_as, by_admin, title="Changed", parties=parties)
    api_errors = through_the_api(api_as, by_api, title="Changed", parties=parties)

    assert admin_errors == api_errors == [message]
    # Nothing changed, not even the title given with the refused parties.
    assert what_it_holds(by_admin) == what_it_holds(by_api) == ("Visas", ["IL", "KZ"], "proposed")


@pytest.mark.parametrize("door", [through_the_admin, through_the_api])
def test_a_change_is_in_the_audit_trail_whichever_door(client_as, api_as, door):
    instrument = make_instrument(title="Visas", **RULE)
    client = client_as if door is through_the_admin else api_as
    before = {
        events: events.objects.order_by("pgh_id").last().pgh_id
        for events in (InstrumentEvent, InstrumentPartyEvent)
    }

    assert door(client, instrument, title="Visa waiver", parties=["KZ", "FR"]) == []

    updates = InstrumentEvent.objects.filter(pgh_id__gt=before[InstrumentEvent])
    assert list(updates.values_list("pgh_label", "title")) == [("update", "Visa waiver")]
    assert updates.get().pgh_context.metadata["user"] is not None
    parties = InstrumentPartyEvent.objects.filter(pgh_id__gt=before[InstrumentPartyEvent])
    assert sorted(parties.values_list("pgh_label", "state_id")) == [
        ("delete", "IL"),
        ("insert", "FR"),
    ]


def test_parties_that_stay_keep_who_signed_for_them_unless_told():
    instrument = make_instrument()
    ministry = OrganizationFactory()
    instrument.parties.filter(state="KZ").update(organization=ministry)

    instrument_update(
        instrument=instrument, parties=[{"state": state("KZ")}, {"state": state("FR")}]
    )

    organizations = dict(instrument.parties.values_list("state_id", "organization"))
    assert organizations == {"KZ": ministry.pk, "FR": None}

    instrument_update(
        instrument=instrument,
        parties=[{"state": state("KZ"), "organization": None}, {"state": state("FR")}],
    )

    assert instrument.parties.get(state="KZ").organization is None
