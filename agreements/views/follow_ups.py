"""The follow-up board: every promise and where it stands, as a page and as CSV."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from agreements.filters import FollowUpBoardFilter
from agreements.lists.csv_file import CHUNK_SIZE, csv_response
from agreements.lists.paging import CappedCountPaginator, is_given, rows_to_count
from agreements.models import (
    DUE_SOON_DAYS,
    FollowUpAction,
    State,
    is_due_soon,
    is_open,
    is_overdue,
    is_stale,
    today,
)
from agreements.models.reference import in_display_order

BOARD_PAGE_SIZE = 100

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
@permission_required("agreements.view_followupaction", raise_exception=True)
def follow_up_board(request):
    """Every follow-up with where it stands; overdue first, then due soon, then by due date.
    A page shows 100; the CSV holds every one the filters select."""
    board = FollowUpBoardFilter(request.GET, queryset=board_queryset())
    valid = board.is_valid()
    actions = board.qs if valid else FollowUpAction.objects.none()
    if request.GET.get("format") == "csv":
        lines = (board_line(action) for action in actions.iterator(chunk_size=CHUNK_SIZE))
        rows = ({name: line[key] for key, name in BOARD_COLUMNS.items()} for line in lines)
        return csv_response(rows, list(BOARD_COLUMNS.values()), "follow-ups.csv")
    # What the counts read: the selection, or for one relationship's board (the common view)
    # the pair's own rows, which copy what is counted.
    selected, id_column = FollowUpAction.objects.filter(pk__in=actions.values("pk")), "pk"
    pair_rows = rows_to_count(board) if valid else None
    if pair_rows is not None:
        selected, id_column = pair_rows, "action"
    page = CappedCountPaginator(actions, BOARD_PAGE_SIZE, count_from=selected).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    page_query = query.urlencode()
    query["format"] = "csv"
    # One pass for the three, over the open ones only: for a pair, an index holds all that is
    # counted.
    counts = selected.filter(is_open()).aggregate(
        overdue=Count(id_column, filter=is_overdue()),
        due_soon=Count(id_column, filter=is_due_soon()),
        stale=Count(id_column, filter=is_stale(action=id_column)),
    )
    given = board.form.cleaned_data if valid else {}
    return render(
        request,
        "agreements/follow_up_board.html",
        {
            "board": board,
            "page": page,
            "lines": [board_line(action) for action in page],
            "csv_url": f"{request.path}?{query.urlencode()}",
            "page_query": page_query,
            "counts": counts,
            "sentence": board_sentence(given, page.paginator, counts) if given else "",
            "filters_set": sum(1 for value in given.values() if is_given(value)),
            # Offered by name in the pair's and the responsible state's boxes.
            "states": State.objects.only("code", "name"),
        },
    )


# The tick-box filters, as the sentence above the board says them after "with".
WITH_WORDS = {"unassigned": "no one responsible", "undated": "no due date"}


def board_sentence(given: dict, paginator, counts: dict) -> str:
    """What the board shows, in one sentence: "4 open follow-ups between Kazakhstan and Israel,
    all stale." `given`: the filter form's cleaned data; `counts`: the open ones' signals."""
    count = paginator.count
    statuses = given.get("status") or []
    adjectives = [word for word in ("overdue", "stale") if given.get(word) is True]
    if set(statuses) == set(FollowUpAction.OPEN_STATUSES):
        adjectives.append("open")
    elif statuses:
        chosen = [name.lower() for code, name in FollowUpAction.Status.choices if code in statuses]
        adjectives.append(" or ".join(chosen))
    if getattr(paginator, "count_is_capped", False):
        number = f"More than {count - 1:,}"
    else:
        number = f"{count:,}" if count else "No"
    noun = "follow-up" if count == 1 else "follow-ups"
    words = [number, *adjectives, noun]
    pair = given.get("pair")
    if pair:
        first, second = in_display_order(pair.first, pair.second)  # the pair's one name order
        words.append(f"between {first.name} and {second.name}")
    with_ = [
        f"{responsible} responsible"
        for responsible in (given.get("responsible_state"), given.get("responsible_organization"))
        if responsible
    ]
    with_ += [words_ for name, words_ in WITH_WORDS.items() if given.get(name)]
    if with_:
        words.append("with " + " and ".join(with_))
    if given.get("due_within"):
        words.append(f"due within {given['due_within']} days")
    if given.get("due_before"):
        words.append(f"due by {given['due_before']:%-d %B %Y}")
    if given.get("q"):
        words.append(f"matching “{given['q']}”")
    sentence = " ".join(words)
    negated = [word for word in ("overdue", "stale") if given.get(word) is False]
    if negated:
        sentence += ", neither overdue nor stale" if len(negated) == 2 else f", not {negated[0]}"
    signals = [
        (counts["overdue"], "overdue", given.get("overdue") is True),
        (
            counts["due_soon"],
            f"due within {DUE_SOON_DAYS} days",
            int(given.get("due_within") or DUE_SOON_DAYS + 1) <= DUE_SOON_DAYS,
        ),
        (counts["stale"], "stale", given.get("stale") is True),
    ]
    said = [
        "all " + label if n == count else f"{n:,} {label}"
        for n, label, implied in signals
        if n and not implied
    ]
    return sentence + (", " + ", ".join(said) if said and count else "") + "."


def board_queryset():
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


def board_line(action: FollowUpAction) -> dict:
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
        "url": reverse("follow-up-page", args=[action.pk]),
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
        # Dates as dates: the page shows them in the locale's format, the CSV in ISO.
        "agreed_on": action.agreed_on,
        "due_on": action.due_on,
        "status": action.get_status_display(),
        "last_update": action.last_activity_on,
    }
