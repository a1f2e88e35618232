"""The changes feed: every kind of write appears, oldest first, and a reader following `next`
never skips or repeats a change while others write. These tests commit for real (the feed shows
only finished transactions), so they run outside the usual per-test transaction."""

import threading

import pytest
from django.db import connection, connections, transaction
from knox.models import AuthToken
from rest_framework.test import APIClient

from agreements.models import Change, Instrument, Meeting
from agreements.services import instrument_transition
from tests.factories import UserFactory, make_instrument

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def feed():
    _, key = AuthToken.objects.create(user=UserFactory(role="consumer"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    def read(since):
        body = client.get(f"/api/v1/changes/?since={since}&page_size=1000").json()
        return [(c["object_type"], c["object_id"], c["action"]) for c in body["results"]], body

    return read


def last_id():
    return Change.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_every_kind_of_write_appears_in_order(feed):
    start = last_id()
    instrument = make_instrument()
    instrument_transition(instrument=instrument, to="signed")
    Meeting.objects.create(title="Call", kind="call", starts_on="2026-01-05")
    meeting = Meeting.objects.get(title="Call")
    Meeting.objects.filter(pk=meeting.pk).update(place="Astana")  # a bulk update
    with connection.cursor() as cursor:  # raw SQL
        cursor.execute("UPDATE agreements_meeting SET summary = 'raw' WHERE id = %s", [meeting.pk])
    i, m = str(instrument.pk), str(meeting.pk)
    meeting.delete()

    changes, _ = feed(start)

    assert [c for c in changes if c[0] == "meeting"] == [
        ("meeting", m, "create"),
        ("meeting", m, "update"),
        ("meeting", m, "update"),
        ("meeting", m, "delete"),
    ]
    assert changes[0] == ("instrument", i, "create")
    assert ("instrument", i, "status_change") in changes
    assert changes.index(("instrument", i, "status_change")) < changes.index(
        ("meeting", m, "create")
    )


def test_feed_pages_with_next_and_without_repeats(feed):
    start = last_id()
    for _ in range(3):
        make_instrument()
    everything, _ = feed(start)

    _, key = AuthToken.objects.create(user=UserFactory(role="consumer"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    walked, url = [], f"/api/v1/changes/?since={start}&page_size=2"
    for _ in range(100):
        body = client.get(url).json()
        walked += [(c["object_type"], c["object_id"], c["action"]) for c in body["results"]]
        url = body["next"]
        if not body["has_more"]:
            break

    assert walked == everything
    assert len(everything) >= 3


def test_a_change_committed_late_is_not_skipped(feed):
    """A transaction that began writing first but commits last must still be read."""
    instrument = make_instrument()
    start = last_id()
    wrote, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                Instrument.objects.filter(pk=instrument.pk).update(notes="slow")
                wrote.set()
                release.wait(10)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    wrote.wait(10)
    fast = make_instrument()  # commits while the slow one is still open

    while_open, body = feed(start)
    release.set()
    done.wait(10)
    thread.join()
    after_commit, _ = feed(start)

    # While the slow transaction is open, nothing from it or after it is shown...
    assert while_open == []
    assert body["next"].endswith(f"since={start}")
    # ...and once it commits, both appear, the slow one first: nothing was skipped.
    assert after_commit[0] == ("instrument", str(instrument.pk), "update")
    assert ("instrument", str(fast.pk), "create") in after_commit


def test_unknown_since_is_refused(feed):
    _, key = AuthToken.objects.create(user=UserFactory(role="consumer"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get("/api/v1/changes/?since=abc")

    assert (response.status_code, response.json()) == (
        400,
        {"since": "No change has the id 'abc'."},
    )
    assert APIClient().get("/api/v1/changes/").status_code == 401


def test_since_beyond_the_newest_change_is_an_empty_page_to_poll_again(feed):
    _, key = AuthToken.objects.create(user=UserFactory(role="consumer"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get("/api/v1/changes/?since=99999999")

    assert response.status_code == 200
    assert response.json() == {
        "next": "http://testserver/api/v1/changes/?since=99999999",
        "has_more": False,
        "results": [],
    }
