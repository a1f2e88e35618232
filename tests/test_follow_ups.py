"""Follow-up actions: overdue, due soon and stale at their boundaries; progress updates."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agreements.models import FollowUpAction, today
from agreements.services import TransitionNotAllowed, action_record_update
from tests.factories import make_action

days = datetime.timedelta


@pytest.mark.parametrize(
    ("due_in_days", "is_overdue", "is_due_soon"),
    [
        (-1, True, False),
        (0, False, True),
        (30, False, True),
        (31, False, False),
    ],
)
def test_overdue_and_due_soon_at_their_boundaries(db, due_in_days, is_overdue, is_due_soon):
    action = make_action(agreed_on=today() - days(100), due_on=today() + days(due_in_days))

    assert (action.is_overdue, action.is_due_soon) == (is_overdue, is_due_soon)
    assert list(FollowUpAction.objects.overdue()) == ([action] if is_overdue else [])
    assert list(FollowUpAction.objects.due_soon()) == ([action] if is_due_soon else [])


def test_an_action_without_due_date_is_never_overdue_or_due_soon(db):
    action = make_action(agreed_on=today() - days(400))

    assert (action.is_overdue, action.is_due_soon) == (False, False)


@pytest.mark.parametrize(("agreed_days_ago", "is_stale"), [(90, False), (91, True)])
def test_stale_at_its_boundary_without_updates(db, agreed_days_ago, is_stale):
    action = make_action(agreed_on=today() - days(agreed_days_ago))

    assert action.is_stale == is_stale
    assert list(FollowUpAction.objects.stale()) == ([action] if is_stale else [])


@pytest.mark.parametrize(("updated_days_ago", "is_stale"), [(90, False), (91, True)])
def test_stale_counts_from_the_latest_progress_update(db, updated_days_ago, is_stale):
    action = make_action(agreed_on=today() - days(300))
    action_record_update(action=action, note="Met", happened_on=today() - days(200))
    action_record_update(
        action=action, note="Met again", happened_on=today() - days(updated_days_ago)
    )

    annotated = FollowUpAction.objects.with_last_activity().get()
    assert (action.is_stale, annotated.is_stale) == (is_stale, is_stale)
    assert list(FollowUpAction.objects.stale()) == ([action] if is_stale else [])


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_closed_actions_are_never_overdue_or_stale(db, status):
    action = make_action(agreed_on=today() - days(400), due_on=today() - days(10))
    action_record_update(action=action, note="Closed", to_status=status)
    action.refresh_from_db()

    assert (action.is_overdue, action.is_due_soon, action.is_stale) == (False, False, False)
    assert list(FollowUpAction.objects.overdue()) == []
    assert list(FollowUpAction.objects.stale()) == []


def test_progress_update_changes_status_and_records_both_ends(db, user_with_role):
    manager = user_with_role("manager")
    action = make_action()

    update = action_record_update(
        action=action,
        note="Dates proposed",
        to_status="in_progress",
        user=manager,
        happened_on=datetime.date(2026, 2, 10),
    )

    action.refresh_from_db()
    assert action.status == "in_progress"
    assert (update.from_status, update.to_status, update.recorded_by) == (
        "planned",
        "in_progress",
        manager,
    )


def test_progress_update_without_status_change_keeps_the_status(db):
    action = make_action()

    update = action_record_update(action=action, note="Still waiting")

    action.refresh_from_db()
    assert (action.status, update.from_status, update.to_status) == ("planned", "", "")


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (current, to)
        for current in FollowUpAction.Status
        for to in FollowUpAction.Status
        if to != current and to not in FollowUpAction.TRANSITIONS[current]
    ],
)
def test_forbidden_follow_up_status_change_is_refused(db, current, to):
    action = make_action()
    path = {
        "planned": [],
        "in_progress": ["in_progress"],
        "on_hold": ["on_hold"],
        "completed": ["completed"],
        "cancelled": ["cancelled"],
    }[current]
    for step in path:
        action_record_update(action=action, note="step", to_status=step)
    updates_before = action.updates.count()

    with pytest.raises(TransitionNotAllowed):
        action_record_update(action=action, note="Nope", to_status=to)

    action.refresh_from_db()
    assert (action.status, action.updates.count()) == (current, updates_before)


def test_progress_update_before_the_action_was_agreed_is_refused(db):
    action = make_action(agreed_on=datetime.date(2026, 1, 27))

    with pytest.raises(ValidationError) as refused:
        action_record_update(action=action, note="x", happened_on=datetime.date(2026, 1, 1))

    assert refused.value.message_dict == {
        "happened_on": ["A progress update cannot be dated before the action was agreed."]
    }
    assert action.updates.count() == 0
