"""Home: the relationships that need a manager, most urgent first, each said in one line."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import connection
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from agreements import calendar
from agreements.attention import attention_by_pair
from agreements.models import Meeting, State, is_due_soon, is_overdue
from agreements.models.reference import pair_name, pair_slug
from agreements.views.follow_ups import board_line, board_queryset

RELATIONSHIPS_PER_PAGE = 50
URGENT_SHOWN = 10


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def home(request):
    """Every relationship in one line of plain words, sorted by how much needs attention, and
    the most urgent promises across all of them. Counts from the pair rows
    (`agreements/attention.py`); the latest meeting only for the relationships shown."""
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
    latest = _latest_meetings([row["attention"].codes for row in page])
    for row in page:
        row["latest"] = latest.get(row["attention"].codes)
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
    """The latest dated meeting of each pair: one index range of one row per pair, in one query
    (a lateral join: the ORM would build and plan a subquery per pair)."""
    if not pairs:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pair.state_a, pair.state_b, latest.meeting_id
            FROM unnest(%s::varchar[], %s::varchar[]) AS pair (state_a, state_b)
            CROSS JOIN LATERAL (
                SELECT meeting_id FROM agreements_meetingpair m
                WHERE m.state_a = pair.state_a AND m.state_b = pair.state_b
                    AND m.starts_on IS NOT NULL
                ORDER BY m.starts_on DESC, m.meeting_id DESC
                LIMIT 1
            ) latest
            """,
            [[a for a, _ in pairs], [b for _, b in pairs]],
        )
        found = cursor.fetchall()
    meetings = Meeting.objects.in_bulk({meeting for _, _, meeting in found})
    return {(code_a, code_b): meetings[meeting] for code_a, code_b, meeting in found}
