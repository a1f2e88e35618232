"""Every other list runs the same number of queries at 1 and at 3 rows (instruments, meetings and
follow-ups have their own tests beside their features)."""

import pytest

from agreements.lists.paging import CappedCountPaginator
from agreements.models import Indicator, Instrument, Organization, Person, Source
from tests.factories import make_instrument


def make_rows(resource, count):
    """Sectors and states are seeded by migration; their pages are cut with page_size instead."""
    for n in range(count):
        if resource == "organizations":
            Organization.objects.create(name=f"Org {n}", state_id="KZ")
        elif resource == "people":
            Person.objects.create(name=f"Person {n}")
        elif resource == "sources":
            Source.objects.create(title=f"Source {n}")
        elif resource == "indicators":
            Indicator.objects.create(
                state_a_id="KZ",
                state_b_id="IL",
                metric="exports",
                period_start="2025-01-01",
                period_end=f"2025-12-{n + 1:02d}",
                value=n,
                unit="USD",
            )


# Each: 1 savepoint, 2 token with its user, 3-4 permissions, 5 the data version (the answer's
# key, agreements/api/conditional.py), 6 count, 7 rows, then what is named, and last the release
# of the savepoint.
QUERIES = {
    "sectors": 8,
    "organizations": 8,  # rows joined with their state
    "people": 8,
    "sources": 8,
    "indicators": 9,  # 8 sources of the indicators
    "states": 8,
}


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("resource", QUERIES)
def test_list_queries_do_not_grow_with_rows(db, api_as, django_assert_num_queries, resource, rows):
    make_rows(resource, rows)
    client = api_as("consumer")
    query = f"?page_size={rows}" if resource in ("sectors", "states") else ""

    with django_assert_num_queries(QUERIES[resource]):
        response = client.get(f"/api/v1/{resource}/{query}")

    assert len(response.json()["results"]) == rows


def test_lists_count_only_up_to_the_limit(db, api_as, monkeypatch):
    # Counting a million matching rows to serve fifty grows with the data: the count stops.
    monkeypatch.setattr("agreements.lists.paging.COUNT_LIMIT", 2)
    for _ in range(4):
        make_instrument()

    client = api_as("consumer")
    page = client.get("/api/v1/instruments/?page_size=1").json()

    assert (page["count"], page["count_is_capped"], len(page["results"])) == (2, True, 1)
    assert page["next"].endswith("page=2&page_size=1")
    # Pages go as deep as the count (limit + 1 rows), no deeper.
    assert client.get("/api/v1/instruments/?page=3&page_size=1").status_code == 200
    assert client.get("/api/v1/instruments/?page=4&page_size=1").status_code == 404


def test_lists_below_the_limit_count_exactly(db, api_as):
    make_instrument()

    page = api_as("consumer").get("/api/v1/instruments/").json()

    assert (page["count"], page["count_is_capped"]) == (1, False)


def test_a_list_found_beyond_the_limit_is_not_counted_again(
    db, api_as, monkeypatch, django_assert_num_queries
):
    # Beyond the limit a count can cost far more than the page (a common word's full-text
    # match): the next requests of that list take its count from the cache.
    monkeypatch.setattr("agreements.lists.paging.COUNT_LIMIT", 2)
    for n in range(4):
        make_instrument(title=f"Visa agreement {n}")
    client = api_as("consumer")
    # savepoint, token, 2 permissions, the data version, count, rows, the data version and the
    # states' names (then cached), release
    with django_assert_num_queries(10):
        first = client.get("/api/v1/instruments/?q=visa&page_size=1").json()

    # Another page, not counted: savepoint, token, 2 permissions, the data version, rows, the
    # data version and the states' names, release
    with django_assert_num_queries(9):
        second = client.get("/api/v1/instruments/?q=visa&page=2&page_size=1").json()

    assert (first["count"], first["count_is_capped"]) == (2, True)
    assert (second["count"], second["count_is_capped"]) == (2, True)
    assert len(second["results"]) == 1
    # Another list is counted for itself.
    other = client.get("/api/v1/instruments/?q=agreement+-visa").json()
    assert (other["count"], other["count_is_capped"], other["results"]) == (0, False, [])


def test_a_list_below_the_limit_is_counted_at_every_request(db, api_as, monkeypatch):
    monkeypatch.setattr("agreements.lists.paging.COUNT_LIMIT", 2)
    make_instrument()
    client = api_as("consumer")
    assert client.get("/api/v1/instruments/").json()["count"] == 1

    make_instrument()

    assert client.get("/api/v1/instruments/").json()["count"] == 2


def test_requests_do_not_start_parallel_workers(db):
    # Short queries: starting workers costs more than it saves (docs/performance.md).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)


def test_a_list_nothing_can_match_counts_zero_without_a_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert CappedCountPaginator(Instrument.objects.filter(pk__in=[]), 50).count == 0


def test_server_side_cursors_are_planned_for_all_their_rows(db):
    # The CSV exports read theirs to the end; planned for the first tenth, the export of 10,000
    # recently changed instruments walked the whole list's index at 1M (docs/performance.md).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone() == ("1",)
