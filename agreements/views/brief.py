"""A relationship's brief: one printable page to take along to a visit."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, F, Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agreements.models import FollowUpAction, Indicator, Instrument, Meeting, today
from agreements.models.pairs import FollowUpPair, InstrumentPairCount
from agreements.models.reference import in_display_order, pair_name, pair_slug
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
    counts = dict(
        InstrumentPairCount.objects.of(a.code, b.code).values_list("status", "instruments")
    )
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
    promise_counts = open_pair.aggregate(
        open=Count("action"), overdue=Count("action", filter=Q(due_on__lt=today()))
    )
    meetings = list(
        Meeting.objects.for_pair(a.code, b.code)
        .filter(status=Meeting.Status.HELD)
        .order_by("-starts_on", "-id")[:LAST_MEETINGS]
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
            "standing": _standing(a, b, counts, promise_counts, meetings),
            "in_force": in_force,
            "in_force_more": counts.get(Status.IN_FORCE, 0) - len(in_force),
            "waiting": waiting,
            "waiting_more": counts.get(Status.SIGNED, 0)
            + counts.get(Status.PROVISIONALLY_APPLIED, 0)
            - len(waiting),
            "promises": promises,
            "promises_more": promise_counts["open"] - len(promises),
            "radar": radar,
            "radar_more": radar.count - len(radar.items),
            "meetings": meetings,
            "figures": figures,
        },
    )


def _standing(a, b, counts, promise_counts, meetings) -> str:
    """Where things stand, in one paragraph of plain sentences."""

    def n(count, one, many):
        return f"{count} {one if count == 1 else many}"

    in_force = counts.get(Status.IN_FORCE, 0)
    signed = counts.get(Status.SIGNED, 0) + counts.get(Status.PROVISIONALLY_APPLIED, 0)
    talks = sum(
        counts.get(status, 0)
        for status in (Status.PROPOSED, Status.UNDER_NEGOTIATION, Status.TEXT_AGREED)
    )
    overdue = promise_counts["overdue"]
    sentences = [
        f"{a.name} and {b.name} have {n(in_force, 'instrument', 'instruments')} in force, "
        f"{signed} signed and awaiting entry into force, and {talks} proposed or under "
        "negotiation."
    ]
    if meetings:
        last = meetings[0]
        sentences.append(f"They last met on {last.starts_on:%-d %B %Y}: {last.title}.")
    sentences.append(
        f"{n(promise_counts['open'], 'promise is', 'promises are')} open"
        + (f", {overdue} of them overdue." if overdue else ", none overdue.")
    )
    return " ".join(sentences)
