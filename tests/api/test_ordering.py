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


@pytest.mark.parametrize("viewset", [InstrumentViewSet, MeetingViewSet, FollowUpActionViewSet])
def test_every_order_a_big_list_offers_has_its_index(viewset):
    # (field, id) serves the field both ways, with the tie-break the API adds.
    model = viewset.queryset.model
    indexed = {tuple(index.fields) for index in model._meta.indexes}

    missing = [field for field in viewset.ordering_fields if (field, "id") not in indexed]

    assert missing == []
