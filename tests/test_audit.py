"""The audit trail: every write, by any route, is recorded with before/after values and who made
it; analysts read it in the admin, consumers at /audit/; deleted objects stay readable."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat
from knox.models import AuthToken

from agreements.models import (
    Change,
    InstrumentEvent,
    InstrumentSourcesEvent,
    Sector,
    SectorEvent,
    Source,
    SourceEvent,
)
from tests.factories import SourceFactory, make_instrument

pytestmark = pytest.mark.django_db


def context_of(event):
    return event.pgh_context.metadata if event.pgh_context else {}


def test_api_write_records_user_token_url_and_request_id(api_as):
    sector = Sector.objects.get(slug="trade-investment")
    client = api_as("analyst")

    response = client.patch(f"/api/v1/sectors/{sector.slug}/", {"name": "Trade"}, format="json")

    event = SectorEvent.objects.filter(pgh_obj=sector, pgh_label="update").get()
    context = context_of(event)
    assert response.status_code == 200
    assert event.name == "Trade"
    assert context["user"] == response.wsgi_request.user.pk
    assert context["url"] == f"/api/v1/sectors/{sector.slug}/"
    assert context["method"] == "PATCH"
    assert context["request_id"] == response["X-Request-ID"]
    token = AuthToken.objects.get(user=response.wsgi_request.user)
    assert context["token"] == token.digest[:16]  # the token's id, never part of its key


def test_admin_write_records_the_user(client_as):
    sector = Sector.objects.get(slug="trade-investment")
    client = client_as("analyst")

    response = client.post(
        f"/admin/agreements/sector/{sector.pk}/change/",
        {"name": "Trade and investment (all)", "slug": "trade-investment"},
    )

    event = SectorEvent.objects.filter(pgh_obj=sector, pgh_label="update").get()
    assert response.status_code == 302
    assert context_of(event)["user"] == response.wsgi_request.user.pk
    assert context_of(event)["url"] == f"/admin/agreements/sector/{sector.pk}/change/"


def test_command_writes_record_the_command():
    call_command("load_demo", stdout=io.StringIO())

    events = InstrumentEvent.objects.select_related("pgh_context")
    assert {str(context_of(event)) for event in events} == {"{'command': 'load_demo'}"}


def test_bulk_update_records_every_row_before_and_after():
    before = dict(Sector.objects.values_list("pk", "name"))

    Sector.objects.update(name=Concat("name", Value(" (renamed)")))

    events = SectorEvent.objects.filter(pgh_label="update")
    assert {event.pgh_obj_id: event.name for event in events} == {
        pk: f"{name} (renamed)" for pk, name in before.items()
    }


def test_raw_sql_delete_keeps_the_last_state_readable():
    source = SourceFactory(title="A cable")

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM agreements_source WHERE id = %s", [source.pk])

    deleted = SourceEvent.objects.get(pgh_obj_id=source.pk, pgh_label="delete")
    assert not Source.objects.filter(pk=source.pk).exists()
    assert deleted.title == "A cable"


def test_many_to_many_rows_are_recorded_with_their_own_ids():
    instrument = make_instrument()
    source = SourceFactory()

    instrument.sources.add(source)
    instrument.sources.remove(source)

    labels = list(
        InstrumentSourcesEvent.objects.filter(instrument=instrument, source=source)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "delete"]


def test_api_audit_shows_before_after_and_who(api_as):
    instrument = make_instrument(title="Old title")
    client = api_as("analyst")
    client.patch(f"/api/v1/instruments/{instrument.pk}/", {"title": "New title"}, format="json")

    audit = api_as("consumer").get(f"/api/v1/instruments/{instrument.pk}/audit/")

    assert audit.status_code == 200
    updates = [e for e in audit.json() if e["object_type"] == "instrument" and e["user"]]
    assert [e["changes"].get("title") for e in updates] == [["Old title", "New title"]]
    assert updates[0]["method"] == "PATCH"
    # The parts are in the same history: its two parties and its first status entry.
    parts = sorted(e["object_type"] for e in audit.json() if e["action"] == "insert")
    assert parts == ["instrument", "instrument party", "instrument party", "status change"]


def test_api_audit_of_a_deleted_object_stays_readable(api_as):
    source = SourceFactory(title="Withdrawn note")
    client = api_as("analyst")
    assert client.delete(f"/api/v1/sources/{source.pk}/").status_code == 204

    audit = client.get(f"/api/v1/sources/{source.pk}/audit/")

    assert audit.status_code == 200
    assert [e["action"] for e in audit.json()] == ["insert", "delete"]
    assert audit.json()[-1]["data"]["title"] == "Withdrawn note"


def test_api_audit_by_code_and_slug(api_as):
    client = api_as("consumer")

    state = client.get("/api/v1/states/kz/audit/")
    sector = client.get("/api/v1/sectors/trade-investment/audit/")

    assert [e["action"] for e in state.json()] == ["baseline"]
    assert [e["action"] for e in sector.json()] == ["baseline"]


@pytest.mark.parametrize("url", ["/api/v1/sources/999999/audit/", "/api/v1/sources/x/audit/"])
def test_api_audit_of_an_unknown_object_is_404(api_as, url):
    assert api_as("consumer").get(url).status_code == 404


def test_api_audit_needs_a_login(api_as):
    assert api_as(None).get("/api/v1/states/KZ/audit/").status_code == 401


def test_changes_feed_is_written_from_the_audit_events(api_as):
    client = api_as("analyst")
    created = client.post("/api/v1/sources/", {"title": "Communiqué"}, format="json").json()
    client.patch(f"/api/v1/sources/{created['id']}/", {"title": "Joint communiqué"}, format="json")
    client.delete(f"/api/v1/sources/{created['id']}/")

    feed = Change.objects.filter(object_type="source", object_id=str(created["id"]))
    events = SourceEvent.objects.filter(pgh_obj_id=created["id"])
    assert list(feed.values_list("action", flat=True)) == ["create", "update", "delete"]
    assert list(events.order_by("pgh_id").values_list("pgh_label", flat=True)) == [
        "insert",
        "update",
        "delete",
    ]


def test_admin_events_page_lists_an_instruments_history(client_as):
    instrument = make_instrument(title="Visa agreement")
    events = "/admin/pghistory/middlewareevents/"
    url = f"{events}?method=references&obj=agreements.Instrument:{instrument.pk}"

    page = client_as("analyst").get(url)
    change_form = client_as("analyst").get(f"/admin/agreements/instrument/{instrument.pk}/change/")

    assert page.status_code == 200
    # Created, its status cache set, two parties, the first status entry.
    assert page.context["cl"].result_count == 5
    assert b"events-admin" in change_form.content  # the "Events" button


def test_admin_events_page_of_a_deleted_object(client_as):
    source = SourceFactory(title="Gone")
    source_id = source.pk
    source.delete()

    page = client_as("analyst").get(
        f"/admin/pghistory/middlewareevents/?method=tracks&obj=agreements.Source:{source_id}"
    )

    assert page.status_code == 200
    assert page.context["cl"].result_count == 2
    assert f"source {source_id} (deleted)" in page.content.decode()


def test_consumers_do_not_see_the_admin_events_page(client_as):
    assert client_as("consumer").get("/admin/pghistory/middlewareevents/").status_code == 403


def test_series_subjects_and_subject_tags_are_audited_and_in_the_feed(api_as):
    analyst = api_as("analyst")
    reader = api_as("consumer")
    subject = analyst.patch(
        "/api/v1/subjects/extradition/", {"definition": "Handing over suspects."}, format="json"
    ).json()
    series = analyst.post(
        "/api/v1/meeting-series/",
        {
            "title": "Consultations",
            "kind": "political_consultations",
            "state_a": "KZ",
            "state_b": "IL",
        },
        format="json",
    ).json()
    analyst.patch(f"/api/v1/meeting-series/{series['id']}/", {"interval_months": 12}, format="json")
    instrument = make_instrument(title="Extradition treaty")
    analyst.patch(
        f"/api/v1/instruments/{instrument.pk}/", {"subjects": ["extradition"]}, format="json"
    )

    subject_audit = reader.get("/api/v1/subjects/extradition/audit/").json()
    assert [e["action"] for e in subject_audit] == ["baseline", "update"]
    assert subject_audit[-1]["changes"]["definition"][1] == "Handing over suspects."
    assert subject_audit[-1]["user"] and subject_audit[-1]["method"] == "PATCH"
    series_audit = reader.get(f"/api/v1/meeting-series/{series['id']}/audit/").json()
    assert [e["action"] for e in series_audit] == ["insert", "update"]
    assert series_audit[-1]["changes"]["interval_months"] == [None, 12]
    instrument_audit = reader.get(f"/api/v1/instruments/{instrument.pk}/audit/").json()
    tags = [e for e in instrument_audit if e["object_type"] == "instrument subjects"]
    assert [e["action"] for e in tags] == ["insert"]

    def feed(kind, pk):
        return list(
            Change.objects.filter(object_type=kind, object_id=str(pk)).values_list(
                "action", flat=True
            )
        )

    assert feed("subject", subject["id"]) == ["update"]
    assert feed("series", series["id"]) == ["create", "update"]
    assert feed("instrument", instrument.pk)[-1] == "update"
