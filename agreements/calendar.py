"""The iCalendar feed (RFC 5545): meetings and follow-up due dates, for Outlook or Google Calendar.

Calendar clients cannot log in, so each user has a secret URL. Its token is an HMAC of the user's
id and password hash: changing the password revokes every calendar URL given out before.
"""

import datetime
import logging

import icalendar
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from agreements.models import FollowUpAction, Meeting
from agreements.whole_numbers import parse_whole_number

SALT = "bilateral.calendar"

logger = logging.getLogger(__name__)


def calendar_token(user) -> str:
    digest = salted_hmac(SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:32]
    return f"{user.pk}-{digest}"


def user_for_token(token: str):
    """The active user this token belongs to, or None."""
    user_id = parse_whole_number(token.partition("-")[0])
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(calendar_token(user), token):
        return None
    return user


def build_calendar(meetings, actions, *, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Bilateral//Meetings and follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    events = [(meeting, _meeting_event) for meeting in meetings]
    events += [(action, _action_event) for action in actions]
    for row, make_event in events:
        # One row a calendar cannot hold (a date recorded before dates were bounded, or by hand
        # in the database) is left out and logged: it must not take every subscriber's feed down.
        try:
            event = make_event(row)
        except (ValueError, OverflowError):
            logger.exception("Left %s %s out of a calendar feed.", type(row).__name__, row.pk)
            continue
        event.add("dtstamp", stamp)
        calendar.add_component(event)
    return calendar.to_ical()


def _meeting_event(meeting) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@bilateral")
    _add_days(event, meeting.starts_on, meeting.ends_on or meeting.starts_on)
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", f"{meeting.get_kind_display()}, {meeting.get_status_display()}.")
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return event


def _action_event(action) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"follow-up-{action.pk}@bilateral")
    _add_days(event, action.due_on, action.due_on)
    event.add("summary", f"Due: {action.title}")
    event.add("description", f"{action.get_status_display()}. {action.description}".strip())
    return event


def _add_days(event, first: datetime.date, last: datetime.date) -> None:
    """An all-day event from `first` to `last`. Its end is the day after `last` (RFC 5545 3.6.1);
    on the last day a calendar can hold there is none, and without DTEND an all-day event lasts
    its one day."""
    event.add("dtstart", first)
    if last < datetime.date.max:
        event.add("dtend", last + datetime.timedelta(days=1))


def feed_items(pair: tuple[str, str] | None = None):
    meetings = Meeting.objects.exclude(starts_on=None).exclude(status=Meeting.Status.PROPOSED)
    actions = FollowUpAction.objects.open().exclude(due_on=None)
    if pair:
        meetings = meetings.for_pair(*pair)
        actions = actions.for_pair(*pair)
    return meetings.order_by("starts_on", "id"), actions.order_by("due_on", "id")
