"""The iCalendar feed (RFC 5545): meetings and follow-up due dates, for Outlook or Google Calendar.

Calendar clients cannot log in, so each user has a secret URL. Its token is an HMAC of the user's
id and password hash: changing the password revokes every calendar URL given out before.
"""

import datetime

import icalendar
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from agreements.models import FollowUpAction, Meeting

SALT = "bilateral.calendar"


def calendar_token(user) -> str:
    digest = salted_hmac(SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:32]
    return f"{user.pk}-{digest}"


def user_for_token(token: str):
    """The active user this token belongs to, or None."""
    user_id, _, _ = token.partition("-")
    if not user_id.isdigit():
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not constant_time_compare(calendar_token(user), token):
        return None
    return user


def build_calendar(meetings, actions, *, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Bilateral//Meetings and follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for meeting in meetings:
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.pk}@bilateral")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_on)
        # All-day events end on the day after (RFC 5545 3.6.1).
        event.add("dtend", (meeting.ends_on or meeting.starts_on) + datetime.timedelta(days=1))
        event.add("summary", meeting.title)
        if meeting.place:
            event.add("location", meeting.place)
        event.add("description", f"{meeting.get_kind_display()}, {meeting.get_status_display()}.")
        event.add(
            "status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(event)
    for action in actions:
        event = icalendar.Event()
        event.add("uid", f"follow-up-{action.pk}@bilateral")
        event.add("dtstamp", stamp)
        event.add("dtstart", action.due_on)
        event.add("dtend", action.due_on + datetime.timedelta(days=1))
        event.add("summary", f"Due: {action.title}")
        event.add("description", f"{action.get_status_display()}. {action.description}".strip())
        calendar.add_component(event)
    return calendar.to_ical()


def feed_items(pair: tuple[str, str] | None = None):
    meetings = Meeting.objects.exclude(starts_on=None).exclude(status=Meeting.Status.PROPOSED)
    actions = FollowUpAction.objects.open().exclude(due_on=None)
    if pair:
        meetings = meetings.for_pair(*pair)
        actions = actions.for_pair(*pair)
    return meetings.order_by("starts_on", "id"), actions.order_by("due_on", "id")
