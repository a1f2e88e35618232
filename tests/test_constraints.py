"""Invariants the database keeps, each refused with a readable message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from agreements.models import (
    FollowUpAction,
    Indicator,
    Instrument,
    InstrumentParty,
    Meeting,
    PartyAction,
    StatusChange,
)
from agreements.services import instrument_create, party_action_record
from tests.factories import make_instrument, state

D = datetime.date


def check_now():
    """Deferred constraints are checked at commit; tests never commit, so ask for them now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_instrument_with_fewer_than_two_parties_is_refused_by_the_service(db):
    with pytest.raises(ValidationError) as refused:
        instrument_create(title="Lonely", kind="agreement", parties=[{"state": state("KZ")}])

    assert refused.value.message_dict == {
        "parties": ["An instrument needs at least two different parties."]
    }
    assert Instrument.objects.count() == 0


def test_instrument_with_fewer_than_two_parties_is_refused_by_the_database(db):
    instrument = make_instrument()
    InstrumentParty.objects.filter(instrument=instrument, state="IL").delete()

    with pytest.raises(IntegrityError, match="An instrument needs at least two parties"):
        check_now()


def test_instrument_saved_without_parties_is_refused_by_the_database(db):
    with (
        pytest.raises(IntegrityError, match="An instrument needs at least two parties"),
        transaction.atomic(),
    ):
        Instrument.objects.create(title="Bare", kind="agreement")
        check_now()


def test_duplicate_party_is_refused(db):
    instrument = make_instrument()
    duplicate = InstrumentParty(instrument=instrument, state=state("KZ"))

    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()

    assert refused.value.messages == ["This state is already a party to the instrument."]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_duplicate_party_is_refused_by_the_service(db):
    with pytest.raises(ValidationError) as refused:
        instrument_create(
            title="Twice",
            kind="agreement",
            parties=[{"state": state("KZ")}, {"state": state("IL")}, {"state": state("KZ")}],
        )

    assert refused.value.message_dict == {"parties": ["A state can be a party only once."]}


def test_in_force_date_before_signature_is_refused(db):
    instrument = make_instrument()
    instrument.signed_on = D(2026, 3, 1)
    instrument.in_force_on = D(2026, 2, 1)

    with pytest.raises(ValidationError) as refused:
        instrument.validate_constraints()

    assert refused.value.messages == ["The entry-into-force date cannot be before signature."]
    with pytest.raises(IntegrityError), transaction.atomic():
        instrument.save()


def test_rule_parameters_must_match_the_rule(db):
    instrument = Instrument(
        title="T", kind="treaty", entry_into_force_rule="days_after_last_notification"
    )

    with pytest.raises(ValidationError) as refused:
        instrument.full_clean()

    assert refused.value.messages == [
        "Give the number of days exactly when the rule is 'N days after the last notification'."
    ]


def test_only_a_party_can_act(db):
    instrument = make_instrument()

    with pytest.raises(ValidationError) as refused:
        party_action_record(
            instrument=instrument, state="FR", action="notification", taken_on=D(2026, 1, 1)
        )

    assert refused.value.messages == ["France is not a party to this instrument."]
    assert PartyAction.objects.count() == 0


def test_only_a_party_can_act_says_the_database(db):
    instrument = make_instrument()
    PartyAction.objects.create(
        instrument=instrument, state=state("FR"), action="notification", taken_on=D(2026, 1, 1)
    )

    with pytest.raises(IntegrityError, match="agreements_partyaction_by_a_party"):
        check_now()


def test_a_party_takes_each_action_once(db):
    instrument = make_instrument()
    party_action_record(
        instrument=instrument, state="KZ", action="ratification", taken_on=D(2026, 1, 1)
    )

    with pytest.raises(ValidationError) as refused:
        party_action_record(
            instrument=instrument, state="KZ", action="ratification", taken_on=D(2026, 2, 1)
        )

    assert refused.value.messages == ["This party has already taken that action."]


def test_termination_row_without_type_is_refused(db):
    instrument = make_instrument()
    row = StatusChange(instrument=instrument, to_status="terminated", happened_on=D(2026, 1, 1))

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert refused.value.messages == [
        "Say how it ended: expired, denounced, replaced or by mutual consent."
    ]


def test_meeting_cannot_end_before_it_starts(db):
    meeting = Meeting(title="M", kind="summit", starts_on=D(2026, 1, 2), ends_on=D(2026, 1, 1))

    with pytest.raises(ValidationError) as refused:
        meeting.full_clean()

    assert refused.value.messages == ["A meeting cannot end before it starts."]


def test_held_meeting_needs_a_date(db):
    meeting = Meeting(title="M", kind="summit", status="held")

    with pytest.raises(ValidationError) as refused:
        meeting.full_clean()

    assert refused.value.messages == ["A scheduled or held meeting needs its start date."]


def test_follow_up_needs_an_origin(db):
    action = FollowUpAction(title="Orphan")

    with pytest.raises(ValidationError) as refused:
        action.full_clean()

    assert refused.value.messages == ["Say where it was promised: a meeting or an instrument."]


def test_indicator_is_for_two_different_states(db):
    indicator = Indicator(
        state_a=state("KZ"),
        state_b=state("KZ"),
        metric="trade_turnover",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        value=1,
        unit="USD million",
    )

    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()

    assert refused.value.messages == ["An indicator is for two different states."]
