"""ETag and If-Match: a stale write answers 412 and changes nothing; of concurrent writers with
the same If-Match, exactly one wins."""

import threading

import pytest
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from agreements.models import Instrument
from tests.factories import UserFactory, make_instrument


def test_detail_carries_an_etag_that_changes_with_the_record(db, api_as):
    instrument = make_instrument()
    client = api_as("analyst")
    url = f"/api/v1/instruments/{instrument.pk}/"

    first = client.get(url)["ETag"]
    again = client.get(url)["ETag"]
    patched = client.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=first)

    assert first == again
    assert patched.status_code == 200
    assert patched["ETag"] == client.get(url)["ETag"] != first


def test_stale_if_match_answers_412_and_changes_nothing(db, api_as):
    instrument = make_instrument(title="Original")
    client = api_as("analyst")
    url = f"/api/v1/instruments/{instrument.pk}/"
    stale = client.get(url)["ETag"]
    client.patch(url, {"short_title": "Someone else's edit"}, format="json")

    response = client.patch(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response.json()["detail"].startswith("This record has changed since you read it")
    instrument.refresh_from_db()
    assert (instrument.title, instrument.short_title) == ("Original", "Someone else's edit")


def test_without_if_match_the_write_goes_through(db, api_as):
    instrument = make_instrument()

    response = api_as("analyst").put(
        f"/api/v1/instruments/{instrument.pk}/",
        {"title": "Whole", "kind": "treaty", "parties": ["KZ", "IL"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["kind"] == "treaty"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_patches_with_the_same_if_match_exactly_one_wins():
    instrument = make_instrument(title="Original")
    user = UserFactory(role="analyst")
    _, key = AuthToken.objects.create(user=user)
    url = f"/api/v1/instruments/{instrument.pk}/"
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    etag = reader.get(url)["ETag"]
    writers = 4
    barrier = threading.Barrier(writers)
    statuses = []

    def patch(number):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        barrier.wait()
        try:
            response = client.patch(
                url, {"title": f"Edit {number}"}, format="json", HTTP_IF_MATCH=etag
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=patch, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 412, 412, 412]
    assert Instrument.objects.get(pk=instrument.pk).title.startswith("Edit ")
    # The audit trail shows exactly one change of the title, the winner's.
    audit = reader.get(f"{url}audit/").json()
    title_changes = [event for event in audit if "title" in event["changes"]]
    assert len(title_changes) == 1
    assert title_changes[0]["changes"]["title"][0] == "Original"
    assert title_changes[0]["user"] == user.username
