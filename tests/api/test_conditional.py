"""Conditional and cached reads (agreements/api/conditional.py): a repeated read of unchanged data
is the kept answer, a current If-None-Match answers 304 after the token, the permissions and one
version read, and every way of writing moves the data version at once."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from pghistory.models import Event

from agreements.models import (
    Change,
    DataVersion,
    Instrument,
    ScheduledRun,
    Sector,
    data_version,
)
from agreements.services import instrument_transition
from tests.factories import make_instrument

# Tables the API does not read: the changes feed is answered live (what it shows depends on
# which transactions are still open, which no version names), the audit trail is read per
# object, and the schedule and the versions themselves are the machinery.
NOT_VERSIONED = (Change, DataVersion, ScheduledRun)

# Answers are kept only when read outside a transaction that has written (a rolled-back write
# could leave its version to other data): these tests commit for real.
COMMITTED = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_every_table_the_api_reads_moves_the_data_version(db):
    wanted = {
        model._meta.db_table
        for model in apps.get_app_config("agreements").get_models(include_auto_created=True)
        if not issubclass(model, (*NOT_VERSIONED, Event)) and not model._meta.proxy
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger "
            "WHERE tgname LIKE 'pgtrigger_data_version_%%'"
        )
        versioned = {table for (table,) in cursor.fetchall()}

    assert wanted - versioned == set(), "declare versioned(...) in agreements/models/versions.py"


@pytest.mark.parametrize(
    "write",
    [
        lambda: make_instrument(),
        lambda: Instrument.objects.update(notes="bulk"),
        lambda: connection.cursor().execute("UPDATE agreements_sector SET name = name || '!'"),
        lambda: Instrument.objects.first().sectors.add(Sector.objects.first()),
        lambda: call_command("promote_due_instruments", verbosity=0),
    ],
    ids=["create", "bulk update", "raw SQL", "many-to-many", "command"],
)
def test_every_way_of_writing_moves_the_version(db, write):
    due = make_instrument(
        entry_into_force_rule="fixed_date", entry_into_force_date=datetime.date(2026, 3, 1)
    )
    instrument_transition(instrument=due, to="signed", on=datetime.date(2026, 1, 27), promote=False)
    before = written()
    write()
    assert written() > before


def written() -> int:
    """The counters' sum as this transaction sees them (`data_version()` names no version
    inside a transaction that has written)."""
    return DataVersion.objects.aggregate(total=Sum("version"))["total"]


@COMMITTED
def test_a_repeated_read_is_the_kept_answer_and_a_current_etag_answers_304(
    db, api_as, django_assert_num_queries
):
    make_instrument(title="Visa exemption")
    client = api_as("consumer")
    first = client.get("/api/v1/instruments/")
    etag = first["ETag"]

    # 1 savepoint, 2 the data's and the credentials' versions (the token, its user and their
    # permissions are remembered from the first read), 3 release: no count, no rows, no
    # rendering.
    with django_assert_num_queries(3):
        again = client.get("/api/v1/instruments/")
    with django_assert_num_queries(3):
        not_modified = client.get("/api/v1/instruments/", HTTP_IF_NONE_MATCH=etag)

    assert (again.status_code, again["ETag"], again.content) == (200, etag, first.content)
    assert (not_modified.status_code, not_modified["ETag"], not_modified.content) == (
        304,
        etag,
        b"",
    )
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]


@COMMITTED
def test_a_write_answers_the_new_data_at_once(db, api_as):
    instrument = make_instrument(title="Visa exemption")
    client = api_as("consumer")
    etag = client.get("/api/v1/instruments/")["ETag"]
    detail_etag = client.get(f"/api/v1/instruments/{instrument.pk}/")["ETag"]

    with connection.cursor() as cursor:  # behind the application's back
        cursor.execute("UPDATE agreements_instrument SET title = 'Raw title'")

    listed = client.get("/api/v1/instruments/", HTTP_IF_NONE_MATCH=etag)
    detail = client.get(f"/api/v1/instruments/{instrument.pk}/", HTTP_IF_NONE_MATCH=detail_etag)
    assert listed.status_code == 200 and listed.json()["results"][0]["title"] == "Raw title"
    assert detail.status_code == 200 and detail.json()["title"] == "Raw title"
    assert listed["ETag"] != etag and detail["ETag"] != detail_etag


@COMMITTED
def test_an_unrelated_write_leaves_the_etag_as_it_was(db, api_as):
    """ETags name the content: a client's 304 survives writes that did not change its list."""
    make_instrument()
    client = api_as("consumer")
    etag = client.get("/api/v1/sectors/")["ETag"]
    make_instrument()

    assert client.get("/api/v1/sectors/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_nothing_is_kept_inside_a_transaction_that_has_written(db, api_as):
    """The test's own transaction has written: its version is uncommitted, so names nothing."""
    make_instrument()
    assert data_version() is None
    client = api_as("consumer")
    first = client.get("/api/v1/instruments/")
    assert "ETag" in first
    assert client.get("/api/v1/instruments/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_csv_lists_stream_untagged(db, api_as):
    make_instrument()
    response = api_as("consumer").get("/api/v1/instruments/?format=csv")
    assert response.status_code == 200 and "ETag" not in response
