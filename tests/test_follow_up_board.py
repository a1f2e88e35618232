"""The managers' follow-up board at /follow-ups/."""

import csv
import datetime
import io

import pytest

from agreements.filters import FollowUpBoardFilter
from agreements.models import today
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
    assert "1 overdue</strong>" in page
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


def test_board_shows_a_bad_filter_instead_of_failing(board_rows, client_as):
    response = client_as("manager").get("/follow-ups/?pair=KZ&due_by=someday")

    assert response.status_code == 200
    assert "Give two ISO 3166-1 alpha-2 codes joined by a hyphen" in response.content.decode()
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
    # in one pass, 9 responsible states and 10 organizations for the filter form, 11 release
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

    # As above, and the pair's codes checked; the counts read agreements_followuppair.
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
    assert "3 follow-ups (showing 1–2)" in first.content.decode()
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
