"""A relationship's brief: one printable page to take along to a visit."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import F
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agreements.models import FollowUpAction, Indicator, Instrument, Meeting
from agreements.models.pairs import FollowUpPair
from agreements.models.reference import in_display_order, pair_name, pair_slug
from agreements.standing import pair_attention, paragraph
from agreements.templatetags.foresight import pair_radar
from agreements.views.follow_ups import board_line, board_queryset
from agreements.views.relationships import pair_states

Status = Instrument.Status
# A brief is read in a minute: the longest lists are cut, and the paragraph says how many more.
SHOWN = 12
PROMISES = 20
LAST_MEETINGS = 3


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def brief(request, pair):
    """Where the relationship stands in a paragraph, what is in force, what is signed and waits
    on whom, the open promises with owners and dates, the pair's radar, the last three meetings
    and the figures; printed, it fits on one to three A4 pages."""
    a, b = in_display_order(*pair_states(pair))
    attention = pair_attention(a, b)
    counts = attention.instruments
    pair_instruments = Instrument.objects.for_pair(a.code, b.code)
    in_force = list(pair_instruments.in_force().order_by("-in_force_on", "title")[:SHOWN])
    waiting = list(
        pair_instruments.filter(status__in=[Status.SIGNED, Status.PROVISIONALLY_APPLIED])
        .with_projection()
        .order_by("signed_on", "title")[:SHOWN]
    )
    open_pair = FollowUpPair.objects.of(a.code, b.code).filter(
        status__in=FollowUpAction.OPEN_STATUSES
    )
    most_urgent = open_pair.order_by(F("due_on").asc(nulls_last=True), "title", "action")
    promises = [
        board_line(action)
        for action in board_queryset().filter(pk__in=most_urgent.values("action")[:PROMISES])
    ]
    meetings = list(
        Meeting.objects.for_pair(a.code, b.code)
        .filter(status=Meeting.Status.HELD)
        .newest_first()[:LAST_MEETINGS]
    )
    radar = pair_radar(a.code, b.code, per_page=SHOWN)
    figures = list(
        Indicator.objects.filter(state_a__in=[a, b], state_b__in=[a, b]).order_by(
            "metric", "-period_end"
        )
    )
    return render(
        request,
        "agreements/brief.html",
        {
            "a": a,
            "b": b,
            "name": pair_name(a, b),
            "slug": pair_slug(a, b),
            "standing": paragraph(a, b, attention, meetings),
            "in_force": in_force,
            "in_force_more": counts.get(Status.IN_FORCE, 0) - len(in_force),
            "waiting": waiting,
            "waiting_more": counts.get(Status.SIGNED, 0)
            + counts.get(Status.PROVISIONALLY_APPLIED, 0)
            - len(waiting),
            "promises": promises,
            "promises_more": attention.open - len(promises),
            "radar": radar,
            "radar_more": radar.count - len(radar.items),
            "meetings": meetings,
            "figures": figures,
        },
    )
