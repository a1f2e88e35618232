"""The instrument lifecycle: the transition map, the daily promotion, corrections."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from agreements.models import Instrument, InstrumentEvent, StatusChange
from agreements.services import (
    TransitionNotAllowed,
    instrument_transition,
    status_change_correct,
)
from tests.factories import make_instrument

D = datetime.date
Status = Instrument.Status

# The shortest path from `proposed` to each status, through allowed transitions.
PATH_TO = {
    Status.PROPOSED: [],
    Status.UNDER_NEGOTIATION: [Status.UNDER_NEGOTIATION],
    Status.TEXT_AGREED: [Status.TEXT_AGREED],
    Status.SIGNED: [Status.SIGNED],
    Status.PROVISIONALLY_APPLIED: [Status.SIGNED, Status.PROVISIONALLY_APPLIED],
    Status.IN_FORCE: [Status.SIGNED, Status.IN_FORCE],
    Status.SUSPENDED: [Status.SIGNED, Status.IN_FORCE, Status.SUSPENDED],
    Status.TERMINATED: [Status.SIGNED, Status.TERMINATED],
    Status.ABANDONED: [Status.ABANDONED],
}

ALL_PAIRS = [(current, to) for current in Status for to in Status]
ALLOWED = [(c, t) for c, t in ALL_PAIRS if t in Instrument.TRANSITIONS[c]]
FORBIDDEN = [(c, t) for c, t in ALL_PAIRS if t not in Instrument.TRANSITIONS[c]]


def instrument_in(status):
    instrument = make_instrument()
    for step in PATH_TO[status]:
        termination = "denounced" if step == Status.TERMINATED else ""
        instrument_transition(
            instrument=instrument, to=step, on=D(2025, 6, 1), termination_type=termination
        )
    assert instrument.status == status
    return instrument


def test_the_map_names_every_status():
    assert set(Instrument.TRANSITIONS) == set(Status)
    assert len(ALLOWED) == 19
    assert len(FORBIDDEN) == 62


@pytest.mark.parametrize(("current", "to"), ALLOWED, ids=[f"{c}->{t}" for c, t in ALLOWED])
def test_allowed_transition_is_recorded(db, user_with_role, current, to):
    instrument = instrument_in(current)
    analyst = user_with_role("analyst")

    change = instrument_transition(
        instrument=instrument,
        to=to,
        on=D(2025, 7, 1),
        user=analyst,
        note="As reported.",
        termination_type="expired" if to == Status.TERMINATED else "",
    )

    instrument.refresh_from_db()
    assert instrument.status == to
    assert (change.from_status, change.to_status, change.happened_on, change.recorded_by) == (
        current,
        to,
        D(2025, 7, 1),
        analyst,
    )


@pytest.mark.parametrize(("current", "to"), FORBIDDEN, ids=[f"{c}->{t}" for c, t in FORBIDDEN])
def test_forbidden_transition_is_refused_and_changes_nothing(db, current, to):
    instrument = instrument_in(current)
    rows_before = list(instrument.status_changes.values_list("pk", "to_status"))

    with pytest.raises(TransitionNotAllowed) as refused:
        instrument_transition(instrument=instrument, to=to, on=D(2025, 7, 1))

    assert f"cannot become {to.label.lower()}" in refused.value.messages[0]
    instrument.refresh_from_db()
    assert instrument.status == current
    assert list(instrument.status_changes.values_list("pk", "to_status")) == rows_before


def test_refusal_names_the_allowed_transitions(db):
    instrument = instrument_in(Status.SIGNED)

    with pytest.raises(TransitionNotAllowed) as refused:
        instrument_transition(instrument=instrument, to="abandoned")

    assert refused.value.messages == [
        "An instrument that is signed cannot become abandoned. "
        "Allowed next: provisionally applied, in force, terminated."
    ]


def test_new_instrument_starts_proposed_on_the_day_intent_was_stated(db):
    instrument = make_instrument(intent_stated_on=D(2025, 12, 1))

    rows = list(instrument.status_changes.values_list("from_status", "to_status", "happened_on"))
    assert rows == [("", "proposed", D(2025, 12, 1))]
    assert instrument.status == "proposed"


def test_signature_and_entry_into_force_fill_their_dates(db):
    instrument = make_instrument()

    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27))
    instrument_transition(instrument=instrument, to="in_force", on=D(2026, 3, 1))

    instrument.refresh_from_db()
    assert (instrument.signed_on, instrument.in_force_on) == (D(2026, 1, 27), D(2026, 3, 1))


def test_resumption_after_suspension_keeps_the_first_entry_into_force_date(db):
    instrument = instrument_in(Status.SUSPENDED)  # in force on 2025-06-01
    instrument_transition(instrument=instrument, to="in_force", on=D(2025, 8, 1))

    instrument.refresh_from_db()
    assert (instrument.status, instrument.in_force_on) == ("in_force", D(2025, 6, 1))


def test_transition_dated_before_the_current_status_is_refused(db):
    instrument = make_instrument(intent_stated_on=D(2026, 1, 10))

    with pytest.raises(ValidationError) as refused:
        instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 9))

    assert refused.value.message_dict == {
        "date": ["The date cannot be before 10 Jan 2026, when it became proposed."]
    }


def test_transition_in_the_future_is_refused(db):
    instrument = make_instrument()

    with pytest.raises(ValidationError) as refused:
        instrument_transition(instrument=instrument, to="signed", on=D(2099, 1, 1))

    assert refused.value.message_dict == {
        "date": ["That date is in the future: record it once it has happened."]
    }


def test_termination_needs_its_type(db):
    instrument = instrument_in(Status.IN_FORCE)

    with pytest.raises(ValidationError) as refused:
        instrument_transition(instrument=instrument, to="terminated", on=D(2025, 7, 1))

    assert list(refused.value.message_dict) == ["termination_type"]
    assert instrument.status_changes.count() == 3


def test_unknown_status_is_refused_with_the_choices(db):
    instrument = make_instrument()

    with pytest.raises(ValidationError) as refused:
        instrument_transition(instrument=instrument, to="ratified")

    assert refused.value.message_dict["to"][0].startswith("'ratified' is not a status.")


# --- The daily command ------------------------------------------------------------------------


def test_daily_command_promotes_a_due_instrument_and_leaves_the_others(db):
    due = make_instrument(entry_into_force_rule="fixed_date", entry_into_force_date=D(2026, 3, 1))
    not_yet = make_instrument(
        entry_into_force_rule="fixed_date", entry_into_force_date=D(2026, 9, 1)
    )
    unsigned = make_instrument(
        entry_into_force_rule="fixed_date", entry_into_force_date=D(2026, 3, 1)
    )
    for instrument in (due, not_yet):
        # Recorded back in January, before either date had arrived.
        instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27), promote=False)
    out = StringIO()

    call_command("promote_due_instruments", "--date", "2026-03-01", stdout=out)

    statuses = {i.pk: i.status for i in Instrument.objects.all()}
    assert statuses == {due.pk: "in_force", not_yet.pk: "signed", unsigned.pk: "proposed"}
    promoted = due.status_changes.last()
    assert (promoted.to_status, promoted.happened_on) == ("in_force", D(2026, 3, 1))
    assert out.getvalue().splitlines() == [
        f"In force on 2026-03-01: {due}",
        "1 instrument(s) entered into force.",
    ]


def test_daily_command_run_twice_changes_nothing_more(db):
    instrument = make_instrument(
        entry_into_force_rule="fixed_date", entry_into_force_date=D(2026, 3, 1)
    )
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27), promote=False)

    call_command("promote_due_instruments", stdout=StringIO())
    call_command("promote_due_instruments", stdout=StringIO())

    assert list(instrument.status_changes.values_list("to_status", flat=True)) == [
        "proposed",
        "signed",
        "in_force",
    ]


def test_daily_command_refuses_a_malformed_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("promote_due_instruments", "--date", "1 March")


# --- Corrections ------------------------------------------------------------------------------


def test_correcting_a_mistaken_entry_keeps_it_and_records_the_correction(db, user_with_role):
    analyst = user_with_role("analyst")
    instrument = make_instrument()
    mistaken = instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 20))

    replacement = status_change_correct(
        change=mistaken,
        reason="Wrong date: signed on the 27th.",
        user=analyst,
        to="signed",
        on=D(2026, 1, 27),
    )

    instrument.refresh_from_db()
    mistaken.refresh_from_db()
    assert (instrument.status, instrument.signed_on) == ("signed", D(2026, 1, 27))
    assert mistaken.is_retracted
    assert (mistaken.retracted_by, mistaken.retraction_reason) == (
        analyst,
        "Wrong date: signed on the 27th.",
    )
    assert (replacement.corrects, replacement.happened_on) == (mistaken, D(2026, 1, 27))
    assert StatusChange.objects.filter(instrument=instrument).count() == 3


def test_retracting_an_entry_without_replacement_restores_the_previous_status(db):
    instrument = make_instrument()
    mistaken = instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 20))

    status_change_correct(change=mistaken, reason="It was not signed after all.")

    instrument.refresh_from_db()
    assert (instrument.status, instrument.signed_on) == ("proposed", None)


def test_only_the_latest_entry_can_be_corrected(db):
    instrument = make_instrument()
    signed = instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 20))
    instrument_transition(instrument=instrument, to="in_force", on=D(2026, 2, 1))

    with pytest.raises(ValidationError, match="Only the latest status entry can be corrected"):
        status_change_correct(change=signed, reason="Wrong day.")
    instrument.refresh_from_db()
    assert instrument.status == "in_force"


def test_a_correction_needs_a_reason(db):
    instrument = make_instrument()
    change = instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 20))

    with pytest.raises(ValidationError) as refused:
        status_change_correct(change=change, reason="  ")

    assert refused.value.message_dict == {"reason": ["Say why the entry is mistaken."]}


def test_the_first_entry_can_only_be_replaced_by_proposed(db):
    instrument = make_instrument(intent_stated_on=D(2026, 1, 10))
    first = instrument.status_changes.get()

    with pytest.raises(ValidationError, match="can only be replaced"):
        status_change_correct(change=first, reason="Wrong day.")
    status_change_correct(change=first, reason="Wrong day.", to="proposed", on=D(2025, 12, 1))

    rows = instrument.status_changes.effective().values_list("to_status", "happened_on")
    assert list(rows) == [("proposed", D(2025, 12, 1))]


def test_a_correction_that_breaks_the_map_changes_nothing(db):
    instrument = make_instrument()
    change = instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 20))

    with pytest.raises(TransitionNotAllowed):
        status_change_correct(change=change, reason="Mistake.", to="in_force")

    change.refresh_from_db()
    instrument.refresh_from_db()
    assert (change.is_retracted, instrument.status) == (False, "signed")


def test_current_status_is_the_latest_by_date_then_by_recording_order(db):
    instrument = make_instrument(intent_stated_on=D(2026, 1, 27))
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27), promote=False)
    instrument_transition(instrument=instrument, to="in_force", on=D(2026, 1, 27))

    instrument.refresh_from_db()
    assert instrument.status == "in_force"


def test_worker_promotes_what_is_due_under_its_own_name(db):
    instrument = make_instrument(
        entry_into_force_rule="fixed_date", entry_into_force_date=D(2026, 3, 1)
    )
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27), promote=False)

    call_command("run_worker", "--once")

    instrument.refresh_from_db()
    promoted = InstrumentEvent.objects.filter(pgh_obj=instrument, status="in_force").get()
    assert instrument.status == "in_force"
    assert promoted.pgh_context.metadata == {"command": "run_worker"}


def test_worker_deletes_expired_tokens_only(db, user_with_role):
    from datetime import timedelta

    from knox.models import AuthToken

    user = user_with_role("consumer")
    AuthToken.objects.create(user=user, expiry=timedelta(seconds=-1))
    live, _ = AuthToken.objects.create(user=user)

    call_command("run_worker", "--once")

    assert list(AuthToken.objects.all()) == [live]
