"""Finding 2: a date no calendar can hold is refused where people enter it (admin and API alike,
in the same words), and one such row already in the database never takes a feed or page down.
Finding 9 (part): the feed says its charset."""

import datetime

import icalendar
import pytest

from agreements.calendar import calendar_token
from agreements.models import FollowUpAction, Instrument, Meeting
from agreements.models.entry_into_force import project_terms
from tests.factories import MeetingFactory, make_action

LAST_DAY = datetime.date(9999, 12, 31)
TOO_LATE = "That date is too far ahead: give one no later than 31 December 2999."


def events(response) -> dict:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def last_day_rows(db):
    """A follow-up due and a meeting ending on the calendar's last day, written as rows from
    before the bound (or by hand in the database) would be: past the model's validation."""
    meeting = MeetingFactory(title="Open-ended talks", starts_on=datetime.date(2026, 3, 1))
    Meeting.objects.filter(pk=meeting.pk).update(ends_on=LAST_DAY)
    action = make_action(title="Someday", origin_meeting=meeting)
    FollowUpAction.objects.filter(pk=action.pk).update(due_on=LAST_DAY)
    ordinary = make_action(title="Soon", due_on=datetime.date(2026, 12, 1))
    return meeting, action, ordinary


@pytest.mark.parametrize("path", ["{token}.ics", "{token}/KZ-IL.ics"])
def test_feed_with_a_date_on_the_calendars_last_day_still_answers(
    last_day_rows, user_with_role, client, path
):
    meeting, action, ordinary = last_day_rows
    token = calendar_token(user_with_role("manager"))

    response = client.get("/calendar/" + path.format(token=token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    assert sorted(found) == sorted(
        [
            f"meeting-{meeting.pk}@bilateral",
            f"meeting-{ordinary.origin_meeting_id}@bilateral",
            f"follow-up-{action.pk}@bilateral",
            f"follow-up-{ordinary.pk}@bilateral",
        ]
    )
    # Without DTEND an all-day event lasts its one day (RFC 5545 3.6.1).
    last = found[f"follow-up-{action.pk}@bilateral"]
    assert (last.decoded("dtstart"), "DTEND" in last) == (LAST_DAY, False)
    soon = found[f"follow-up-{ordinary.pk}@bilateral"]
    assert soon.decoded("dtend") == datetime.date(2026, 12, 2)


def test_pages_showing_a_date_on_the_calendars_last_day_answer(last_day_rows, client_as):
    meeting, action, _ = last_day_rows
    client = client_as("manager")

    statuses = [
        client.get(url).status_code
        for url in ["/", "/follow-ups/", "/relations/KZ-IL/", f"/meetings/{meeting.pk}/"]
    ]

    assert statuses == [200, 200, 200, 200]


def test_projection_past_the_calendars_end_is_unknown_not_an_error():
    projection = project_terms(
        rule=Instrument.EntryIntoForceRule.DAYS_AFTER_LAST_NOTIFICATION,
        signed_on=datetime.date(2026, 1, 1),
        fixed_on=None,
        days=30,
        months=None,
        parties=[("KZ", "Kazakhstan")],
        notified_on={"KZ": datetime.date(9999, 12, 20)},
    )

    assert (projection.projected_on, projection.explanation) == (
        None,
        "Enters into force 30 days after the last notification. That date is beyond any calendar.",
    )


def test_api_refuses_a_due_date_no_calendar_can_hold(db, api_as):
    action = make_action()

    response = api_as("manager").patch(
        f"/api/v1/actions/{action.pk}/", {"due_on": "9999-12-31"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["due_on"] == [TOO_LATE]
    action.refresh_from_db()
    assert action.due_on is None


def test_api_refuses_a_meeting_ending_past_the_bound(db, api_as):
    meeting = MeetingFactory()

    response = api_as("analyst").patch(
        f"/api/v1/meetings/{meeting.pk}/", {"ends_on": "3000-01-01"}, format="json"
    )

    assert (response.status_code, response.json()["ends_on"]) == (400, [TOO_LATE])


def test_api_accepts_the_last_day_of_the_bound(db, api_as):
    action = make_action()

    response = api_as("manager").patch(
        f"/api/v1/actions/{action.pk}/", {"due_on": "2999-12-31"}, format="json"
    )

    assert response.status_code == 200


def test_admin_refuses_a_due_date_no_calendar_can_hold(db, client_as):
    action = make_action()
    form = {
        "title": action.title,
        "description": "",
        "agreed_on": action.agreed_on.isoformat(),
        "due_on": "9999-12-31",
        "origin_meeting": action.origin_meeting_id,
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
    }

    response = client_as("manager").post(
        f"/admin/agreements/followupaction/{action.pk}/change/", form
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"due_on": [TOO_LATE]}
