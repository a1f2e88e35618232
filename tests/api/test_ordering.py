"""`?ordering=`: ties broken by the id, and an index behind every order the big lists offer."""

import pytest
from django.db import connection

from agreements.api.views import FollowUpActionViewSet, InstrumentViewSet, MeetingViewSet
from agreements.models import Instrument
from tests.factories import make_instrument


@pytest.mark.parametrize("ordering", ["title", "-title", "status", "-status"])
def test_rows_that_tie_come_in_id_order_on_every_page(db, api_as, ordering):
    ids = [make_instrument(title="Same title").pk for _ in range(5)]
    # Rewritten rows move to the end of the table: read as stored, ties come 3, 4, 5, 1, 2. And
    # read as stored they are: the (field, id) indexes would hide a missing tie-break here.
    Instrument.objects.filter(pk__in=ids[:2]).update(notes="Rewritten")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    client = api_as("consumer")

    pages = [
        client.get(f"/api/v1/instruments/?ordering={ordering}&page_size=2&page={n}").json()
        for n in (1, 2, 3)
    ]

    listed = [row["id"] for page in pages for row in page["results"]]
    assert listed == (sorted(ids, reverse=True) if ordering.startswith("-") else sorted(ids))


def indexed_leads(table: str) -> set[tuple[str, ...]]:
    """The first two columns of every index the database holds on `table` (introspected, not
    the models' declarations of them)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {tuple(c["columns"][:2]) for c in constraints.values() if c["index"] and c["columns"]}


@pytest.mark.parametrize("viewset", [InstrumentViewSet, MeetingViewSet, FollowUpActionViewSet])
def test_every_order_a_big_list_offers_has_its_index(db, viewset):
    # (field, id) serves the field both ways, with the tie-break the API adds.
    model = viewset.queryset.model
    indexed = indexed_leads(model._meta.db_table)

    missing = [
        field
        for field in viewset.ordering_fields
        if (model._meta.get_field(field).column, "id") not in indexed
    ]

    assert missing == []


def test_an_order_without_its_index_is_found(db):
    """The check above can fail: with one index dropped, its order has none."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX agreements_instr_title")

    assert ("title", "id") not in indexed_leads(Instrument._meta.db_table)
