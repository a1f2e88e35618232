"""No party acts on an instrument before its intent was stated, nor ratifies, approves or notifies
before it was signed: the admin and the API refuse it with the same words, and write nothing."""

import datetime

import pytest

from agreements.services import instrument_transition
from tests.factories import make_instrument
from tests.test_atomicity import party_action_batch

D = datetime.date
BEFORE_INTENT = (
    "The intent to conclude this instrument was first stated on 10 Jan 2025: "
    "no party can act on it before that."
)
BEFORE_SIGNATURE = "Ratification cannot come before the signature on 27 Jan 2026."


@pytest.fixture
def signed_treaty(db):
    instrument = make_instrument(intent_stated_on=D(2025, 1, 10))
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27))
    return instrument


def post_to_api(api_as, instrument, action, taken_on):
    return api_as("analyst").post(
        f"/api/v1/instruments/{instrument.pk}/party-actions/",
        {"party": "KZ", "action": action, "taken_on": taken_on},
        format="json",
    )


def post_to_admin(client_as, instrument, action, taken_on):
    batch = party_action_batch(instrument, ("KZ", action, taken_on))
    return client_as("analyst").post(f"/admin/agreements/instrument/{instrument.pk}/change/", batch)


@pytest.mark.parametrize(
    ("action", "taken_on", "message"),
    [
        ("provisional_application", "2025-01-09", BEFORE_INTENT),
        ("ratification", "2026-01-26", BEFORE_SIGNATURE),
        ("approval", "2026-01-26", "Approval cannot come before the signature on 27 Jan 2026."),
        (
            "notification",
            "2025-06-01",
            "Notification that internal procedures are complete cannot come before the "
            "signature on 27 Jan 2026.",
        ),
    ],
)
def test_api_refuses_a_party_action_dated_too_early(
    signed_treaty, api_as, action, taken_on, message
):
    response = post_to_api(api_as, signed_treaty, action, taken_on)

    assert (response.status_code, response.json()) == (400, {"taken_on": [message]})
    assert signed_treaty.party_actions.count() == 0


@pytest.mark.parametrize(
    ("action", "taken_on", "message"),
    [
        ("provisional_application", "2025-01-09", BEFORE_INTENT),
        ("ratification", "2026-01-26", BEFORE_SIGNATURE),
    ],
)
def test_admin_refuses_a_party_action_dated_too_early(
    signed_treaty, client_as, action, taken_on, message
):
    response = post_to_admin(client_as, signed_treaty, action, taken_on)

    assert response.status_code == 200
    errors = {
        inline.formset.prefix: inline.formset.errors
        for inline in response.context["inline_admin_formsets"]
    }["party_actions"]
    assert errors == [{"taken_on": [message]}]
    assert signed_treaty.party_actions.count() == 0


def test_party_actions_on_the_day_itself_are_accepted(signed_treaty, api_as, client_as):
    # Provisional application may come before signature (agreed in advance), not before intent.
    by_api = post_to_api(api_as, signed_treaty, "provisional_application", "2025-01-10")
    by_admin = post_to_admin(client_as, signed_treaty, "ratification", "2026-01-27")

    assert (by_api.status_code, by_admin.status_code) == (201, 302)
    assert sorted(signed_treaty.party_actions.values_list("action", "taken_on")) == [
        ("provisional_application", D(2025, 1, 10)),
        ("ratification", D(2026, 1, 27)),
    ]


def test_a_ratification_before_any_signature_is_checked_only_against_the_intent(db, api_as):
    proposed = make_instrument(intent_stated_on=D(2025, 1, 10))

    early = post_to_api(api_as, proposed, "ratification", "2025-01-09")
    later = post_to_api(api_as, proposed, "ratification", "2025-02-01")

    assert (early.json(), later.status_code) == ({"taken_on": [BEFORE_INTENT]}, 201)
