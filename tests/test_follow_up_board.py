"""The managers' follow-up board at /follow-ups/."""

import csv
import datetime
import io

import pytest

from agreements.filters import FollowUpBoardFilter
from agreements.models import State, today
from agreements.services import action_record_update
from tests.factories import MeetingFactory, make_action

days = datetime.timedelta


@pytest.fixture
def board_rows(db):
    """Overdue, due soon, stale, and a completed one, at a KZ–IL meeting; one at KZ–FR."""
    meeting = MeetingFactory(states=["KZ", "IL"])
    rows = {
        "overdue": make_action(
            origin_meeting=meeting,
            title="Exchange draft texts",
            agreed_on=today() - days(40),
            due_on=today() - days(12),
            responsible_state_id="KZ",
        ),
        "soon": make_action(
            origin_meeting=meeting,
            title="Agree commission dates",
            agreed_on=today() - days(10),
            due_on=today() + days(9),
        ),
        "stale": make_action(
            origin_meeting=meeting, title="Convene the commission", agreed_on=today() - days(300)
        ),
        "done": make_action(
            origin_meeting=meeting,
            title="Send the invitation",
            agreed_on=today() - days(300),
            due_on=today() - days(200),
        ),
        "other_pair": make_action(
            origin_meeting=MeetingFactory(states=["KZ", "FR"]),
            title="Open a consulate",
            agreed_on=today(),
        ),
    }
    action_record_update(
        action=rows["done"], note="Sent", to_status="completed", happened_on=today() - days(250)
    )
    return rows


def shown_titles(response):
    return [line["title"] for line in response.context["lines"]]


def test_board_needs_a_login(db, client):
    response = client.get("/follow-ups/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/login/?next=/follow-ups/",
    )


def test_board_puts_overdue_first_and_says_so_in_words(board_rows, client_as):
    response = client_as("manager").get("/follow-ups/")

    assert shown_titles(response) == [
        "Exchange draft texts",
        "Agree commission dates",
        "Convene the commission",
        "Open a consulate",
        "Send the invitation",
    ]
    page = response.content.decode()
    assert '<span class="badge">Overdue by 12 days</span>' in page
    assert '<span class="badge">Due in 9 days</span>' in page
    assert '<span class="badge">Stale: no update for 300 days</span>' in page
    assert response.context["sentence"] == (
        "5 follow-ups, 1 overdue, 1 due within 30 days, 1 stale."
    )
    meeting = board_rows["overdue"].origin_meeting
    assert f'href="/meetings/{meeting.pk}/"' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=true", ["Exchange draft texts"]),
        (
            "pair=IL-KZ&status=planned",
            ["Exchange draft texts", "Agree commission dates", "Convene the commission"],
        ),
        ("due_within=30", ["Agree commission dates"]),
        ("stale=true", ["Convene the commission"]),
        ("responsible_state=KZ", ["Exchange draft texts"]),
        ("status=completed", ["Send the invitation"]),
        ("q=consulate", ["Open a consulate"]),
        # States by name or code, in either order, joined however a person would join them
        ("pair=Kazakhstan-France", ["Open a consulate"]),
        ("pair=france+%E2%80%93+kazakhstan", ["Open a consulate"]),
        ("pair=Israel+and+Kazakhstan&status=in_progress", []),
        ("pair=kz-fr", ["Open a consulate"]),
        # The page's two boxes: a state in each, or a whole pair in either
        ("pair_0=Kazakhstan&pair_1=France", ["Open a consulate"]),
        ("pair_0=fr&pair_1=KAZAKHSTAN", ["Open a consulate"]),
        ("pair_0=&pair_1=France-Kazakhstan", ["Open a consulate"]),
        (
            "pair_0=&pair_1=",
            [
                "Exchange draft texts",
                "Agree commission dates",
                "Convene the commission",
                "Open a consulate",
                "Send the invitation",
            ],
        ),
        ("responsible_state=Kazakhstan", ["Exchange draft texts"]),
        ("responsible_state=kazakhstan", ["Exchange draft texts"]),
        (
            "overdue=false&stale=false&status=planned",
            ["Agree commission dates", "Open a consulate"],
        ),
        (
            "unassigned=on&undated=on",
            ["Convene the commission", "Open a consulate"],
        ),
        ("undated=on&pair=KZ-IL", ["Convene the commission"]),
    ],
)
def test_board_filters(board_rows, client_as, query, expected):
    response = client_as("consumer").get(f"/follow-ups/?{query}")

    assert shown_titles(response) == expected


def test_board_csv_is_exactly_what_is_shown(board_rows, client_as):
    client = client_as("manager")
    shown = client.get("/follow-ups/?pair=KZ-IL&status=planned")

    response = client.get("/follow-ups/?pair=KZ-IL&status=planned&format=csv")

    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert response["Content-Disposition"] == 'attachment; filename="follow-ups.csv"'
    assert [row["follow-up"] for row in rows] == shown_titles(shown)
    assert rows[0]["signal"] == "Overdue by 12 days"
    assert list(rows[0]) == [
        "signal",
        "follow-up",
        "responsible",
        "agreed at",
        "agreed on",
        "due on",
        "status",
        "last update",
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("pair=KZ", "pair", "Choose the other state of the pair too."),
        (
            "pair=nowhere",
            "pair",
            "Give two states by name or code: Kazakhstan and Israel, or KZ-IL.",
        ),
        ("pair=Kazakhstan-Atlantis", "pair", "No state is called “Atlantis”."),
        ("pair=KZ-KZ", "pair", "Choose two different states."),
        ("pair_0=Kazakhstan", "pair", "Choose the other state of the pair too."),
        ("pair_0=Kazakhstan&pair_1=Narnia", "pair", "No state is called “Narnia”."),
        ("responsible_state=Narnia", "responsible_state", "No state is called “Narnia”."),
        ("due_before=someday", "due_before", "Enter a valid date."),
        ("due_before=10000-01-01", "due_before", "Enter a valid date."),
        ("overdue=maybe", "overdue", "Give true or false."),
    ],
)
def test_board_shows_a_bad_filter_beside_it_instead_of_failing(
    board_rows, client_as, query, field, message
):
    response = client_as("manager").get(f"/follow-ups/?{query}")

    assert response.status_code == 200
    errors = response.context["board"].form.errors
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert f'<span class="field-error">{errors[field][0]}' in response.content.decode()
    assert shown_titles(response) == []


@pytest.mark.parametrize("rows", [1, 3])
def test_board_runs_the_same_queries_at_one_and_three_rows(
    db, client_as, django_assert_num_queries, rows
):
    meeting = MeetingFactory()
    for number in range(rows):
        make_action(origin_meeting=meeting, title=f"Action {number}", due_on=today())
    client = client_as("manager")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 rows counted (up to 10,000), 7 the
    # page of rows with their origins and last activity, 8 overdue, due soon and stale counted
    # in one pass, 9 the organizations for the filter form, 10 the states offered by name,
    # 11 release
    with django_assert_num_queries(11):
        response = client.get("/follow-ups/")

    assert len(response.context["lines"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_one_pairs_board_is_counted_from_its_pair_rows(
    db, client_as, django_assert_num_queries, rows
):
    meeting = MeetingFactory(states=["KZ", "IL"])
    for number in range(rows):
        make_action(origin_meeting=meeting, title=f"Action {number}", due_on=today())
    make_action(origin_meeting=MeetingFactory(states=["KZ", "FR"]), due_on=today())
    client = client_as("manager")

    # As above, and the pair's states found; the counts read agreements_followuppair.
    with django_assert_num_queries(12) as queries:
        response = client.get("/follow-ups/?pair=IL-KZ")

    assert len(response.context["lines"]) == rows
    assert response.context["page"].paginator.count == rows
    # Agreed in January with no update since: stale as well.
    assert response.context["counts"] == {"overdue": 0, "due_soon": rows, "stale": rows}
    counted = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    follow_up_counts = [sql for sql in counted if "agreements_state" not in sql]
    assert len(follow_up_counts) == 2
    assert all('FROM "agreements_followuppair"' in sql for sql in follow_up_counts)


def test_board_pages_a_long_list_and_the_csv_holds_all(db, client_as, monkeypatch):
    monkeypatch.setattr("agreements.views.follow_ups.BOARD_PAGE_SIZE", 2)
    meeting = MeetingFactory()
    for number in range(3):
        make_action(origin_meeting=meeting, title=f"Action {number}", due_on=today())
    client = client_as("manager")

    first = client.get("/follow-ups/")
    second = client.get("/follow-ups/?page=2")
    csv_rows = b"".join(client.get("/follow-ups/?format=csv").streaming_content).decode()

    assert [len(first.context["lines"]), len(second.context["lines"])] == [2, 1]
    assert first.context["sentence"] == "3 follow-ups, all due within 30 days, all stale."
    assert "3 follow-ups, all due within 30 days, all stale. Showing 1–2." in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    assert len(csv_rows.strip().splitlines()) == 1 + 3


def test_board_forms_share_their_class_but_not_their_fields(db):
    # The form class is built once per filter set; each form still validates on its own.
    good = FollowUpBoardFilter({"due_within": "7"})
    bad = FollowUpBoardFilter({"due_within": "8"})

    assert type(good.form) is type(bad.form)
    assert good.form.fields["due_within"] is not bad.form.fields["due_within"]
    assert (good.is_valid(), bad.is_valid()) == (True, False)
    assert list(bad.form.errors) == ["due_within"]


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        (
            "pair=KZ-IL&status=planned&status=in_progress&status=on_hold",
            "3 open follow-ups between Israel and Kazakhstan, 1 overdue, 1 due within 30 days, "
            "1 stale.",
        ),
        (
            "pair=Israel-Kazakhstan&stale=true",
            "1 stale follow-up between Israel and Kazakhstan.",
        ),
        ("status=completed", "1 completed follow-up."),
        ("status=on_hold&status=cancelled", "No on hold or cancelled follow-ups."),
        (
            "responsible_state=KZ&overdue=true",
            "1 overdue follow-up with Kazakhstan responsible.",
        ),
        (
            "unassigned=on&undated=on&q=commission",
            "1 follow-up with no one responsible and no due date matching “commission”, all stale.",
        ),
        (
            "due_within=30&overdue=false",
            "1 follow-up due within 30 days, not overdue.",
        ),
        (
            "status=planned&overdue=false&stale=false",
            "2 planned follow-ups, neither overdue nor stale, 1 due within 30 days.",
        ),
        (
            f"due_before={(today() + days(400)).isoformat()}",
            f"3 follow-ups due by {today() + days(400):%-d %B %Y}, 1 overdue, "
            "1 due within 30 days.",
        ),
    ],
)
def test_board_says_what_it_shows_in_a_sentence(board_rows, client_as, query, sentence):
    response = client_as("manager").get(f"/follow-ups/?{query}")

    assert response.context["sentence"] == sentence
    assert f'<p class="summary" role="status">{sentence}' in response.content.decode().replace(
        "&amp;", "&"
    )


def test_board_offers_states_by_name_for_the_pair_and_the_responsible(board_rows, client_as):
    page = client_as("consumer").get("/follow-ups/").content.decode()

    offered = page.split('<datalist id="states">')[1].split("</datalist>")[0]
    assert offered.count("<option ") == State.objects.count()
    assert '<option value="Kazakhstan">KZ</option>' in offered
    assert page.count('list="states"') == 3  # the pair's two boxes, the responsible state


def test_board_speaks_in_yes_no_any_tick_boxes_and_date_pickers(db, client_as):
    form = client_as("consumer").get("/follow-ups/").context["board"].form

    assert form.fields["overdue"].widget.choices == [("", "Any"), ("true", "Yes"), ("false", "No")]
    assert form.fields["stale"].widget.choices == [("", "Any"), ("true", "Yes"), ("false", "No")]
    assert [
        form[name].widget_type for name in ("status", "unassigned", "undated", "due_before")
    ] == [
        "checkboxselectmultiple",
        "checkbox",
        "checkbox",
        "date",
    ]


def test_board_titles_open_the_follow_up_page(board_rows, client_as):
    page = client_as("consumer").get("/follow-ups/").content.decode()

    action = board_rows["overdue"]
    assert f'<a href="/follow-ups/{action.pk}/">Exchange draft texts</a>' in page
    assert "/admin/agreements/followupaction/" not in page


def test_board_filters_are_folded_until_a_filter_is_refused(db, client_as):
    client = client_as("manager")

    folded = client.get("/follow-ups/").content.decode()
    refused = client.get("/follow-ups/?pair=nowhere").content.decode()

    assert '<details class="filters-fold">' in folded
    assert '<input type="text" name="pair_0" list="states"' in folded
    assert '<details class="filters-fold" open>' in refused
