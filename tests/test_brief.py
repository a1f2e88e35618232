"""A relationship's brief (/relations/KZ-IL/brief/): one page to take along to a visit."""

import datetime

import pytest

from agreements.models import Meeting, today
from tests.factories import make_action


def test_brief_of_the_demo_says_where_things_stand(demo, client_as):
    response = client_as("manager").get("/relations/KZ-IL/brief/")

    context = response.context
    assert context["standing"] == (
        "Israel and Kazakhstan have 0 instruments in force, 5 signed and awaiting entry into "
        "force, and 1 proposed or under negotiation. They last met on 27 January 2026: "
        "Official visit of Israeli Foreign Minister Gideon Sa’ar to Kazakhstan. 4 promises are "
        "open, none overdue."
    )
    # Of the day's four meetings, the weightiest first, as the relationship page's headline.
    assert context["meetings"][0].kind == Meeting.Kind.OFFICIAL_VISIT
    assert len(context["meetings"]) == 3
    page = response.content.decode()
    assert "Convene the Joint Economic Commission" in page or "commission" in page.lower()
    assert "Trade turnover" in page


@pytest.mark.parametrize("count", [1, 3])
def test_brief_queries_do_not_grow(db, client_as, django_assert_num_queries, count):
    for number in range(count):
        make_action(
            title=f"Promise {number}",
            agreed_on=today() - datetime.timedelta(days=30),
            due_on=today() - datetime.timedelta(days=1),
        )
    client = client_as("consumer")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 the two states, 7 counts per status
    # and of promises (as the relationship page's headline), 8 in force, 9 signed (none: their
    # parties and party actions are not read), 10 the most urgent open promises, 11 the last
    # meetings, 12-13 the radar (each rule's count, the page's rows; none listed, so nothing
    # more is read), 14 figures, 15 release
    with django_assert_num_queries(15):
        response = client.get("/relations/KZ-IL/brief/")

    assert len(response.context["promises"]) == count
    assert response.context["standing"].endswith(
        f"{count} promise{' is' if count == 1 else 's are'} open, {count} of them overdue."
    )


def test_brief_of_no_pair_is_not_found(db, client_as):
    assert client_as("consumer").get("/relations/KZ/brief/").status_code == 404


def test_relationship_page_links_to_its_brief(demo, client_as):
    page = client_as("consumer").get("/relations/IL-KZ/").content.decode()

    assert 'href="/relations/IL-KZ/brief/"' in page
    assert Meeting.objects.exists()
