"""The entry-into-force calculator, on a table of cases."""

import datetime

import pytest

from agreements.models import Instrument, PartyAction
from agreements.models.entry_into_force import first_day_of_nth_month_after
from agreements.services import instrument_transition, party_action_record
from tests.factories import make_instrument

D = datetime.date
Rule = Instrument.EntryIntoForceRule


def signed_instrument(rule_fields):
    instrument = make_instrument(**rule_fields)
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 3, 2), promote=False)
    instrument.refresh_from_db()
    return instrument


def notify(instrument, code, on):
    PartyAction.objects.create(
        instrument=instrument, state_id=code, action=PartyAction.Action.NOTIFICATION, taken_on=on
    )


@pytest.mark.parametrize(
    ("rule_fields", "notifications", "expected_on", "expected_missing"),
    [
        pytest.param(
            {
                "entry_into_force_rule": Rule.DAYS_AFTER_LAST_NOTIFICATION,
                "entry_into_force_days": 30,
            },
            [("KZ", D(2026, 4, 1)), ("IL", D(2026, 5, 10))],
            D(2026, 6, 9),
            [],
            id="30 days after the last of two notifications",
        ),
        pytest.param(
            {
                "entry_into_force_rule": Rule.DAYS_AFTER_LAST_NOTIFICATION,
                "entry_into_force_days": 30,
            },
            [("IL", D(2026, 5, 10)), ("KZ", D(2026, 4, 1))],
            D(2026, 6, 9),
            [],
            id="the last notification counts whatever order they were recorded in",
        ),
        pytest.param(
            {
                "entry_into_force_rule": Rule.FIRST_DAY_OF_MONTH_AFTER_LAST_NOTIFICATION,
                "entry_into_force_months": 2,
            },
            [("KZ", D(2026, 3, 15)), ("IL", D(2026, 3, 20))],
            D(2026, 5, 1),
            [],
            id="first day of the second month",
        ),
        pytest.param(
            {
                "entry_into_force_rule": Rule.FIRST_DAY_OF_MONTH_AFTER_LAST_NOTIFICATION,
                "entry_into_force_months": 2,
            },
            [("KZ", D(2026, 11, 3)), ("IL", D(2026, 11, 30))],
            D(2027, 1, 1),
            [],
            id="first day of the second month, across the new year",
        ),
        pytest.param(
            {"entry_into_force_rule": Rule.ON_SIGNATURE},
            [],
            D(2026, 3, 2),
            [],
            id="on signature",
        ),
        pytest.param(
            {"entry_into_force_rule": Rule.FIXED_DATE, "entry_into_force_date": D(2026, 7, 1)},
            [],
            D(2026, 7, 1),
            [],
            id="fixed date",
        ),
        pytest.param(
            {
                "entry_into_force_rule": Rule.DAYS_AFTER_LAST_NOTIFICATION,
                "entry_into_force_days": 30,
            },
            [("KZ", D(2026, 4, 1))],
            None,
            ["waiting for Israel's notification that internal procedures are complete"],
            id="one party still missing",
        ),
        pytest.param(
            {
                "entry_into_force_rule": Rule.FIRST_DAY_OF_MONTH_AFTER_LAST_NOTIFICATION,
                "entry_into_force_months": 1,
            },
            [],
            None,
            [
                "waiting for Israel's notification that internal procedures are complete",
                "waiting for Kazakhstan's notification that internal procedures are complete",
            ],
            id="both parties missing",
        ),
        pytest.param(
            {},
            [],
            None,
            [],
            id="no rule recorded",
        ),
    ],
)
def test_projection_follows_the_rule(db, rule_fields, notifications, expected_on, expected_missing):
    instrument = signed_instrument(rule_fields)
    for code, on in notifications:
        notify(instrument, code, on)

    assert instrument.projected_in_force_on == expected_on
    assert instrument.missing_steps == expected_missing


def test_projection_of_an_unsigned_instrument_waits_for_signature(db):
    instrument = make_instrument(entry_into_force_rule=Rule.ON_SIGNATURE)

    assert instrument.projected_in_force_on is None
    assert instrument.missing_steps == ["waiting for signature"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 3, 15), 1, D(2026, 4, 1)),
        (D(2026, 3, 1), 1, D(2026, 4, 1)),
        (D(2026, 12, 31), 1, D(2027, 1, 1)),
        (D(2026, 1, 31), 13, D(2027, 2, 1)),
    ],
)
def test_first_day_of_nth_month_after(day, months, expected):
    assert first_day_of_nth_month_after(day, months) == expected


def test_recording_the_last_notification_brings_it_into_force_at_once(db):
    instrument = signed_instrument(
        {"entry_into_force_rule": Rule.DAYS_AFTER_LAST_NOTIFICATION, "entry_into_force_days": 30}
    )
    party_action_record(
        instrument=instrument, state="KZ", action="notification", taken_on=D(2026, 4, 1)
    )
    instrument.refresh_from_db()
    assert instrument.status == "signed"

    party_action_record(
        instrument=instrument,
        state="IL",
        action="notification",
        taken_on=D(2026, 5, 10),
        reference="Note verbale 12/2026",
    )

    instrument.refresh_from_db()
    assert (instrument.status, instrument.in_force_on) == ("in_force", D(2026, 6, 9))
    latest = instrument.status_changes.last()
    assert (latest.from_status, latest.to_status, latest.recorded_by) == (
        "signed",
        "in_force",
        None,
    )


def test_signature_of_an_on_signature_instrument_brings_it_into_force_the_same_day(db):
    instrument = make_instrument(entry_into_force_rule=Rule.ON_SIGNATURE, is_binding=False)

    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27))

    instrument.refresh_from_db()
    assert (instrument.status, instrument.signed_on, instrument.in_force_on) == (
        "in_force",
        D(2026, 1, 27),
        D(2026, 1, 27),
    )
    assert instrument.status_label == "In effect"


def test_a_projected_date_in_the_future_waits(db):
    instrument = signed_instrument(
        {"entry_into_force_rule": Rule.FIXED_DATE, "entry_into_force_date": D(2099, 1, 1)}
    )
    instrument.refresh_from_db()
    assert instrument.status == "signed"
    assert instrument.projected_in_force_on == D(2099, 1, 1)
