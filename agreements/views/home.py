"""Home: the relationships that need a manager, most urgent first, each said in one line."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from agreements import calendar
from agreements.attention import attention_by_pair
from agreements.models import Meeting, State, is_due_soon, is_overdue, today
from agreements.models.reference import pair_name, pair_slug
from agreements.radar import RULES_COUNTED_PER_PAIR, counts_in_words, radar_counts_by_pair
from agreements.views.follow_ups import board_line, board_queryset

RELATIONSHIPS_PER_PAGE = 50
URGENT_SHOWN = 10


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def home(request):
    """Every relationship in one line of plain words, sorted by how much needs attention, and
    the most urgent promises across all of them. Counts from the pair rows
    (`agreements/attention.py`); the latest meeting and the radar's counts only for the
    relationships shown."""
    attention = attention_by_pair()
    states = State.objects.in_bulk({code for codes in attention for code in codes})
    relations = []
    for entry in attention.values():
        first, second = (states[code] for code in entry.codes)
        relations.append(
            {
                "attention": entry,
                "name": pair_name(first, second),
                "slug": pair_slug(first, second),
            }
        )
    relations.sort(key=lambda row: (tuple(-n for n in row["attention"].rank), row["name"]))
    page = Paginator(relations, RELATIONSHIPS_PER_PAGE).get_page(request.GET.get("page"))
    shown = [row["attention"].codes for row in page]
    latest = _latest_meetings(shown)
    radar = radar_counts_by_pair(shown, rules=RULES_COUNTED_PER_PAIR)
    for row in page:
        row["latest"] = latest.get(row["attention"].codes)
        row["radar"] = counts_in_words(radar.get(row["attention"].codes, {}))
    urgent = [
        board_line(action)
        for action in board_queryset().filter(is_overdue() | is_due_soon())[:URGENT_SHOWN]
    ]
    calendar_url = request.build_absolute_uri(
        reverse("calendar", args=[calendar.calendar_token(request.user)])
    )
    return render(
        request,
        "agreements/home.html",
        {
            "page": page,
            "needing_attention": sum(row["attention"].needs_attention for row in relations),
            "urgent": urgent,
            "calendar_url": calendar_url,
        },
    )


def _latest_meetings(pairs) -> dict[tuple[str, str], Meeting]:
    """The latest meeting of each pair held by today (a later one is not yet a meeting they had),
    of its day the weightiest (`Meeting.weight`, as the relationship page's headline names it):
    one index range of the pair's rows each, in one query (a lateral join: the ORM would build
    and plan a subquery per pair)."""
    if not pairs:
        return {}
    latest = Meeting.objects.raw(
        """
        SELECT meeting.*, pair.state_a AS pair_a, pair.state_b AS pair_b
        FROM unnest(%s::varchar[], %s::varchar[]) AS pair (state_a, state_b)
        CROSS JOIN LATERAL (
            SELECT m.meeting_id FROM agreements_meetingpair m
            JOIN agreements_meeting day ON day.id = m.meeting_id
            WHERE m.state_a = pair.state_a AND m.state_b = pair.state_b
                AND m.starts_on <= %s
            ORDER BY m.starts_on DESC, array_position(%s::varchar[], day.kind::varchar),
                m.meeting_id
            LIMIT 1
        ) latest
        JOIN agreements_meeting meeting ON meeting.id = latest.meeting_id
        """,
        [
            [a for a, _ in pairs],
            [b for _, b in pairs],
            today(),
            [str(kind) for kind in Meeting.KIND_WEIGHT],
        ],
    )
    return {(meeting.pair_a, meeting.pair_b): meeting for meeting in latest}
