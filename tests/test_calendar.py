"""The iCalendar feed, parsed back with the library that wrote it."""

import datetime

import icalendar
import pytest

from agreements.calendar import calendar_token
from agreements.models import FollowUpAction, Meeting, today
from tests.factories import MeetingFactory


def events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_feed_has_dated_meetings_and_open_due_dates(demo, user_with_role, client):
    manager = user_with_role("manager")
    visit = Meeting.objects.get(kind="official_visit")
    due = FollowUpAction.objects.create(
        title="Exchange draft texts",
        origin_meeting=visit,
        agreed_on=datetime.date(2026, 1, 27),
        due_on=today() + datetime.timedelta(days=5),
    )

    response = client.get(f"/calendar/{calendar_token(manager)}.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    meeting = found[f"meeting-{visit.pk}@bilateral"]
    assert (str(meeting["summary"]), meeting.decoded("dtstart"), meeting.decoded("dtend")) == (
        visit.title,
        datetime.date(2026, 1, 27),
        datetime.date(2026, 1, 28),
    )
    assert str(meeting["location"]) == "Astana"
    follow_up = found[f"follow-up-{due.pk}@bilateral"]
    assert (str(follow_up["summary"]), follow_up.decoded("dtstart")) == (
        "Due: Exchange draft texts",
        due.due_on,
    )
    # Four meetings held on 27 January; proposed, undated ones are not events.
    assert sum(uid.startswith("meeting-") for uid in found) == 4


def test_feed_for_a_pair_leaves_out_other_pairs(demo, user_with_role, client):
    other = MeetingFactory(title="Kazakhstan–France talks", states=["KZ", "FR"])
    token = calendar_token(user_with_role("consumer"))

    kz_il = events(client.get(f"/calendar/{token}/KZ-IL.ics"))
    kz_fr = events(client.get(f"/calendar/{token}/fr-kz.ics"))

    assert f"meeting-{other.pk}@bilateral" not in kz_il
    assert list(kz_fr) == [f"meeting-{other.pk}@bilateral"]


@pytest.mark.parametrize("token", ["nope", "1-0000", "abc-def", ""])
def test_a_wrong_token_finds_no_calendar(db, client, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_changing_the_password_revokes_the_calendar_url(db, user_with_role, client):
    user = user_with_role("manager")
    url = f"/calendar/{calendar_token(user)}.ics"
    assert client.get(url).status_code == 200

    user.set_password("a-new-long-password")
    user.save()

    assert client.get(url).status_code == 404


def test_home_and_relationship_pages_give_the_secret_urls(demo, client_as):
    client = client_as("manager")

    home = client.get("/").content.decode()
    pair = client.get("/relations/KZ-IL/").content.decode()

    assert "/calendar/" in home and '.ics" id="calendar-address">' in home
    assert '/IL-KZ.ics" id="calendar-address">Calendar (.ics)</a>' in pair
