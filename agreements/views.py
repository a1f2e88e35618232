"""The managers' pages: server-rendered, login required, readable on a phone and on paper."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError

from agreements import calendar
from agreements.api.csv_export import csv_lines
from agreements.api.pagination import CappedCountPaginator
from agreements.filters import FollowUpBoardFilter, full_text
from agreements.models import (
    FollowUpAction,
    Indicator,
    Instrument,
    InstrumentLink,
    InstrumentParty,
    Meeting,
    PartyAction,
    Person,
    Sector,
    State,
    StatusChange,
    is_due_soon,
    is_open,
    is_overdue,
    is_stale,
    today,
)
from agreements.models.pairs import (
    FollowUpPair,
    InstrumentPair,
    InstrumentPairCount,
    MeetingPair,
    pair_rows_for_list,
)

# What the relationship page shows of a busy pair; the counts are whole.
SHOWN_PER_STATUS = 20
TIMELINE_LENGTH = 40
OPEN_SHOWN = 30
BOARD_PAGE_SIZE = 100

# The road from intent to in force, as the stepper draws it; the ends off it are added when reached.
LIFECYCLE = [
    Instrument.Status.PROPOSED,
    Instrument.Status.UNDER_NEGOTIATION,
    Instrument.Status.TEXT_AGREED,
    Instrument.Status.SIGNED,
    Instrument.Status.PROVISIONALLY_APPLIED,
    Instrument.Status.IN_FORCE,
]

# The CSV's columns: what the page shows, in the same order and words.
BOARD_COLUMNS = {
    "signal": "signal",
    "title": "follow-up",
    "responsible": "responsible",
    "agreed_at": "agreed at",
    "agreed_on": "agreed on",
    "due_on": "due on",
    "status": "status",
    "last_update": "last update",
}


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def home(request):
    """Every relationship at a glance, and the most urgent promises across all of them. Read from
    the pair rows (`agreements/models/pairs.py`): a few grouped queries, not every object."""
    relations = {}

    def relation(code_a, code_b):
        return relations.setdefault(
            (code_a, code_b),
            {
                "codes": (code_a, code_b),
                "counts": {},
                "overdue": 0,
                "next_due": None,
                "latest": None,
            },
        )

    for row in InstrumentPairCount.objects.filter(instruments__gt=0):
        relation(row.state_a, row.state_b)["counts"][row.status] = row.instruments
    # Each pair's latest dated meeting, along the pair rows' index; then those meetings.
    latest_meetings = list(
        MeetingPair.objects.exclude(starts_on=None)
        .order_by("state_a", "state_b", F("starts_on").desc(nulls_first=True), "-meeting_id")
        .distinct("state_a", "state_b")
        .values_list("state_a", "state_b", "meeting_id")
    )
    meetings = Meeting.objects.in_bulk({meeting for _, _, meeting in latest_meetings})
    for code_a, code_b, meeting in latest_meetings:
        relation(code_a, code_b)["latest"] = meetings[meeting]
    on = today()
    open_by_pair = (
        FollowUpPair.objects.filter(status__in=FollowUpAction.OPEN_STATUSES)
        .values("state_a", "state_b")
        .annotate(
            overdue=Count("action", filter=Q(due_on__lt=on)),
            next_due=Min("due_on", filter=Q(due_on__gte=on)),
        )
    )
    for row in open_by_pair:
        entry = relation(row["state_a"], row["state_b"])
        entry["overdue"], entry["next_due"] = row["overdue"], row["next_due"]
    names = dict(
        State.objects.filter(code__in={code for key in relations for code in key}).values_list(
            "code", "name"
        )
    )
    rows = []
    for (code_a, code_b), entry in relations.items():
        entry["name"] = f"{names[code_a]}–{names[code_b]}"
        entry["pair"] = f"{code_a}-{code_b}"
        entry["stages"] = [
            (status.label, entry["counts"][status])
            for status in Instrument.Status
            if entry["counts"].get(status)
        ]
        rows.append(entry)
    rows.sort(key=lambda entry: (-entry["overdue"], entry["name"]))
    urgent = [
        _board_line(action)
        for action in _board_queryset().filter(is_overdue() | is_due_soon())[:10]
    ]
    calendar_url = request.build_absolute_uri(
        reverse("calendar", args=[calendar.calendar_token(request.user)])
    )
    return render(
        request,
        "agreements/home.html",
        {"relations": rows, "urgent": urgent, "calendar_url": calendar_url},
    )


@require_safe
@login_required
@permission_required("agreements.view_followupaction", raise_exception=True)
def follow_up_board(request):
    """Every follow-up with where it stands; overdue first, then due soon, then by due date.
    A page shows 100; the CSV holds every one the filters select."""
    board = FollowUpBoardFilter(request.GET, queryset=_board_queryset())
    error = None
    actions = FollowUpAction.objects.none()
    try:
        if board.is_valid():
            actions = board.qs
    except ValidationError as refusal:
        error = " ".join(str(m) for m in _messages(refusal.detail))
    if request.GET.get("format") == "csv":
        lines = (_board_line(action) for action in actions.iterator(chunk_size=2000))
        rows = ({name: line[key] for key, name in BOARD_COLUMNS.items()} for line in lines)
        response = StreamingHttpResponse(
            csv_lines(rows, list(BOARD_COLUMNS.values())), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="follow-ups.csv"'
        return response
    # What the counts read: the selection, or for one relationship's board (the common view)
    # the pair's own rows, which copy what is counted.
    selected, id_column = FollowUpAction.objects.filter(pk__in=actions.values("pk")), "pk"
    pair_rows = None
    if error is None and board.is_valid():
        pair_rows = pair_rows_for_list(FollowUpAction, board.form.cleaned_data)
    if pair_rows is not None:
        selected, id_column = pair_rows, "action"
    page = CappedCountPaginator(actions, BOARD_PAGE_SIZE, count_from=selected).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    page_query = query.urlencode()
    query["format"] = "csv"
    return render(
        request,
        "agreements/follow_up_board.html",
        {
            "board": board,
            "page": page,
            "lines": [_board_line(action) for action in page],
            "error": error,
            "csv_url": f"{request.path}?{query.urlencode()}",
            "page_query": page_query,
            # One pass for the three, over the open ones only: for a pair, an index holds
            # all that is counted.
            "counts": selected.filter(is_open()).aggregate(
                overdue=Count(id_column, filter=is_overdue()),
                due_soon=Count(id_column, filter=is_due_soon()),
                stale=Count(id_column, filter=is_stale(action=id_column)),
            ),
        },
    )


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def instrument_detail(request, pk):
    """One instrument: its road from intent to in force, each party's steps, what it waits for."""
    instrument = get_object_or_404(
        Instrument.objects.select_related("meeting").prefetch_related(
            Prefetch(
                "parties",
                InstrumentParty.objects.select_related("state", "organization", "signatory"),
            ),
            Prefetch("party_actions", PartyAction.objects.select_related("state")),
            Prefetch(
                "status_changes",
                StatusChange.objects.effective().in_world_order().prefetch_related("sources"),
            ),
            Prefetch("links", InstrumentLink.objects.select_related("target")),
            Prefetch("linked_from", InstrumentLink.objects.select_related("instrument")),
            "sources",
            "sectors",
        ),
        pk=pk,
    )
    projection = instrument.entry_into_force()
    actions_by_state = {}
    for party_action in instrument.party_actions.all():
        actions_by_state.setdefault(party_action.state_id, []).append(party_action)
    return render(
        request,
        "agreements/instrument_detail.html",
        {
            "instrument": instrument,
            "steps": _lifecycle_steps(instrument),
            "projection": projection,
            "parties": [
                (party, actions_by_state.get(party.state_id, []))
                for party in instrument.parties.all()
            ],
        },
    )


@require_safe
@login_required
@permission_required("agreements.view_meeting", raise_exception=True)
def meeting_detail(request, pk):
    """One meeting: who met, where, what was signed there, what was promised and how it stands."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("host").prefetch_related(
            "states",
            Prefetch("people", Person.objects.select_related("organization")),
            "organizations",
            "sectors",
            "sources",
            "instruments",
        ),
        pk=pk,
    )
    actions = _board_queryset().filter(origin_meeting=meeting)
    return render(
        request,
        "agreements/meeting_detail.html",
        {"meeting": meeting, "lines": [_board_line(action) for action in actions]},
    )


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def relationship(request, pair):
    """Where a relationship stands: its pipeline, timeline, open promises, figures and sectors.

    A busy pair has tens of thousands of instruments: the page counts them per status but shows
    only the latest of each status, the latest events and the most urgent follow-ups. Each of
    those is an index range of the pair's rows (`agreements/models/pairs.py`)."""
    codes = pair.upper().split("-")
    states = {state.code: state for state in State.objects.filter(code__in=codes)}
    if len(codes) != 2 or len(states) != 2:
        raise Http404("A relationship is two ISO 3166-1 alpha-2 codes joined by a hyphen: KZ-IL.")
    a, b = (states[code] for code in codes)
    pair_instruments = InstrumentPair.objects.of(a.code, b.code)
    counts = dict(
        InstrumentPairCount.objects.of(a.code, b.code).values_list("status", "instruments")
    )
    # The latest few of each status: one query, a short index range per status.
    latest_order = [F("signed_on").desc(nulls_last=True), "title", "instrument"]
    per_status = [
        pair_instruments.filter(status=status)
        .order_by(*latest_order)
        .values_list("instrument", flat=True)[:SHOWN_PER_STATUS]
        for status in Instrument.Status
    ]
    latest = per_status[0].union(*per_status[1:], all=True)
    by_status = {status: [] for status in Instrument.Status}
    for instrument in Instrument.objects.filter(pk__in=latest).order_by(
        F("signed_on").desc(nulls_last=True), "title", "id"
    ):
        by_status[Instrument.Status(instrument.status)].append(instrument)
    pair_meetings = MeetingPair.objects.of(a.code, b.code)
    latest_meetings = pair_meetings.order_by(F("starts_on").desc(nulls_first=True), "-meeting")
    meetings = Meeting.objects.filter(
        pk__in=latest_meetings.values("meeting")[:TIMELINE_LENGTH]
    ).order_by(F("starts_on").desc(nulls_first=True), "-id")
    changes = (
        StatusChange.objects.effective()
        .filter(instrument__in=pair_instruments.values("instrument"))
        .select_related("instrument")
        .order_by("-happened_on", "-id")
    )[:TIMELINE_LENGTH]
    pair_actions = FollowUpPair.objects.of(a.code, b.code)
    open_pair_actions = pair_actions.filter(status__in=FollowUpAction.OPEN_STATUSES)
    most_urgent = open_pair_actions.order_by(F("due_on").asc(nulls_last=True), "title", "action")
    open_actions = _board_queryset().filter(pk__in=most_urgent.values("action")[:OPEN_SHOWN])
    open_lines = [_board_line(action) for action in open_actions]
    indicators = list(
        Indicator.objects.filter(state_a__in=codes, state_b__in=codes).order_by(
            "metric", "period_end"
        )
    )
    sectors = Sector.objects.filter(
        Exists(
            Instrument.sectors.through.objects.filter(
                sector=OuterRef("pk"), instrument__in=pair_instruments.values("instrument")
            )
        )
        | Exists(
            Meeting.sectors.through.objects.filter(
                sector=OuterRef("pk"), meeting__in=pair_meetings.values("meeting")
            )
        )
        | Exists(
            FollowUpAction.sectors.through.objects.filter(
                sector=OuterRef("pk"), followupaction__in=pair_actions.values("action")
            )
        )
    ).order_by("name")
    return render(
        request,
        "agreements/relationship.html",
        {
            "a": a,
            "b": b,
            "pipeline": [
                {
                    "status": status,
                    "label": status.label,
                    "count": counts.get(status, 0),
                    "instruments": by_status[status],
                    "more": counts.get(status, 0) - len(by_status[status]),
                }
                for status in Instrument.Status
            ],
            "timeline": _timeline(meetings, changes)[:TIMELINE_LENGTH],
            "open_lines": open_lines,
            "open_more": open_pair_actions.count() - len(open_lines),
            "charts": _indicator_charts(indicators),
            "sectors": list(sectors),
            "calendar_url": reverse(
                "calendar-pair", args=[calendar.calendar_token(request.user), f"{a.code}-{b.code}"]
            ),
        },
    )


def _timeline(meetings, changes) -> list[dict]:
    """Meetings and status changes, newest first, after what is proposed but not yet dated."""
    events = [
        {"on": change.happened_on, "kind": "status", "change": change} for change in changes
    ] + [{"on": meeting.starts_on, "kind": "meeting", "meeting": meeting} for meeting in meetings]
    undated = [event for event in events if event["on"] is None]
    dated = sorted((e for e in events if e["on"] is not None), key=lambda e: e["on"], reverse=True)
    return undated + dated


def _indicator_charts(indicators) -> list[dict]:
    """One bar chart per metric, drawn as SVG on the server: no script, nothing fetched."""
    charts = {}
    for indicator in indicators:
        charts.setdefault(indicator.metric, []).append(indicator)
    drawn = []
    for points in charts.values():
        top = max(float(point.value) for point in points) or 1.0
        bars = [
            {
                "indicator": point,
                "x": 45 + index * 160,
                "height": round(120 * float(point.value) / top),
                "label": f"{point.period_start:%b %Y}–{point.period_end:%b %Y}",
                "value": f"{point.value.normalize():f}",
            }
            for index, point in enumerate(points)
        ]
        for bar in bars:
            bar["y"] = 140 - bar["height"]
        drawn.append(
            {
                "title": points[0].get_metric_display(),
                "unit": points[0].unit,
                "bars": bars,
                "width": 90 + 160 * len(bars),
            }
        )
    return drawn


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def search(request):
    """One box over instruments, meetings and follow-ups (PostgreSQL full-text search)."""
    query = request.GET.get("q", "").strip()
    results = {"instruments": [], "meetings": [], "actions": []}
    if query and "\x00" not in query:
        results = {
            "instruments": list(
                full_text(Instrument.objects.all(), ["title", "short_title", "notes"], query)[:50]
            ),
            "meetings": list(
                full_text(Meeting.objects.all(), ["title", "summary", "place"], query)[:50]
            ),
            "actions": [
                _board_line(action)
                for action in full_text(_board_queryset(), ["title", "description"], query)[:50]
            ],
        }
    return render(
        request,
        "agreements/search.html",
        {"query": query, "results": results, "total": sum(map(len, results.values()))},
    )


@require_safe
def calendar_feed(request, token, pair=None):
    """The secret iCalendar URL of a user: every dated meeting and open follow-up due date, or
    those of one relationship."""
    user = calendar.user_for_token(token)
    if user is None or not user.has_perm("agreements.view_meeting"):
        raise Http404("No such calendar.")
    codes = None
    if pair:
        codes = tuple(pair.upper().split("-"))
        if len(codes) != 2 or State.objects.filter(code__in=codes).count() != 2:
            raise Http404("A relationship is two ISO 3166-1 alpha-2 codes joined by a hyphen.")
    meetings, actions = calendar.feed_items(codes)
    name = f"Bilateral {codes[0]}–{codes[1]}" if codes else "Bilateral"
    response = HttpResponse(
        calendar.build_calendar(meetings, actions, name=name), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'inline; filename="{(pair or "bilateral").upper()}.ics"'
    return response


def _lifecycle_steps(instrument: Instrument) -> list[dict]:
    """The stepper: each stage with the date and sources of the entry that reached it."""
    reached = {}
    for change in instrument.status_changes.all():
        reached[change.to_status] = change  # the latest entry to each status counts
    current = Instrument.Status(instrument.status)
    stages = list(LIFECYCLE)
    if current not in stages:
        stages.append(current)  # suspended, terminated or abandoned
    position = stages.index(current)
    steps = []
    for index, stage in enumerate(stages):
        change = reached.get(stage)
        if stage == Instrument.Status.IN_FORCE and not instrument.is_binding:
            label = "In effect"
        else:
            label = stage.label
        steps.append(
            {
                "label": label,
                "change": change,
                "state": "current"
                if stage == current
                else "done"
                if change and index < position
                else "skipped"
                if index < position
                else "ahead",
            }
        )
    return steps


def _board_queryset():
    """Overdue first, then due soon, then the rest of the open ones by due date, then the closed
    ones: for open follow-ups that is simply their due-date order, so the board's order does not
    depend on today's date and an index serves it (`FollowUpAction.Meta.indexes`)."""
    return (
        FollowUpAction.objects.with_last_activity()
        .select_related(
            "responsible_state",
            "responsible_organization",
            "origin_meeting",
            "origin_instrument",
        )
        .order_by(*FollowUpAction.BOARD_ORDER)
    )


def _board_line(action: FollowUpAction) -> dict:
    """One row of the board, in words, for the page and for its CSV alike."""
    on = today()
    if action.is_overdue:
        days = (on - action.due_on).days
        signal = f"Overdue by {days} day{'s' if days != 1 else ''}"
    elif action.is_due_soon:
        days = (action.due_on - on).days
        signal = "Due today" if days == 0 else f"Due in {days} day{'s' if days != 1 else ''}"
    elif action.is_stale:
        signal = f"Stale: no update for {(on - action.last_activity_on).days} days"
    else:
        signal = ""
    origin = action.origin_meeting or action.origin_instrument
    return {
        "action": action,
        "signal": signal,
        "is_overdue": action.is_overdue,
        "is_due_soon": action.is_due_soon,
        "is_stale": action.is_stale,
        "title": action.title,
        "responsible": str(action.responsible_organization or action.responsible_state or "")
        or "Not assigned",
        "agreed_at": str(origin),
        "origin_url": reverse(
            "meeting-page" if action.origin_meeting_id else "instrument-page", args=[origin.pk]
        ),
        "agreed_on": action.agreed_on.isoformat(),
        "due_on": action.due_on.isoformat() if action.due_on else "",
        "status": action.get_status_display(),
        "last_update": action.last_activity_on.isoformat(),
    }


def _messages(detail):
    if isinstance(detail, dict):
        for value in detail.values():
            yield from _messages(value)
    elif isinstance(detail, list):
        for value in detail:
            yield from _messages(value)
    else:
        yield detail
