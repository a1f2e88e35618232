"""The secret iCalendar feeds of meetings and follow-up due dates."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from agreements import calendar
from agreements.models.reference import pair_name
from agreements.views.relationships import pair_states


@require_safe
def calendar_feed(request, token, pair=None):
    """The secret iCalendar URL of a user: every dated meeting and open follow-up due date, or
    those of one relationship."""
    user = calendar.user_for_token(token)
    if user is None or not user.has_perm("agreements.view_meeting"):
        raise Http404("No such calendar.")
    codes = None
    if pair:
        states = pair_states(pair)
        codes = tuple(state.code for state in states)
    meetings, actions = calendar.feed_items(codes)
    name = f"Bilateral {pair_name(*states)}" if codes else "Bilateral"
    response = HttpResponse(
        calendar.build_calendar(meetings, actions, name=name),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{(pair or "bilateral").upper()}.ics"'
    return response
