"""Who may do what over the API: every resource × role × method, from one table."""

import pytest
from rest_framework.test import APIClient

from agreements.models import FollowUpAction, Indicator, Instrument, Meeting, Organization, Source
from tests.factories import make_action, make_instrument

READ, WRITE = "read", "write"

# resource: (create body, the role that may write besides the analyst)
RESOURCES = {
    "sectors": ({"slug": "fisheries", "name": "Fisheries"}, None),
    "organizations": ({"name": "Ministry of Energy", "state": "KZ", "kind": "ministry"}, None),
    "people": ({"name": "A. Person", "position": "Envoy"}, None),
    "sources": ({"title": "Press release", "url": "https://example.org/pr"}, None),
    "instruments": ({"title": "Agreement", "kind": "agreement", "parties": ["KZ", "IL"]}, None),
    "meetings": (
        {"title": "Call", "kind": "call", "states": ["KZ", "IL"], "starts_on": "2026-02-01"},
        None,
    ),
    "actions": ({"title": "Follow up", "origin_meeting": None}, "manager"),
    "indicators": (
        {
            "pair": "KZ-IL",
            "metric": "exports",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "value": "1.5",
            "unit": "USD million",
        },
        None,
    ),
}
ROLES = ["consumer", "manager", "analyst"]


def an_object(resource):
    if resource == "sectors":
        from agreements.models import Sector

        return Sector.objects.get(slug="public-diplomacy").slug
    if resource == "instruments":
        return make_instrument().pk
    if resource == "meetings":
        return Meeting.objects.create(title="M", kind="call", starts_on="2026-01-01").pk
    if resource == "actions":
        return make_action().pk
    if resource == "organizations":
        return Organization.objects.create(name="Org", state_id="KZ").pk
    if resource == "people":
        from agreements.models import Person

        return Person.objects.create(name="P").pk
    if resource == "sources":
        return Source.objects.create(title="S").pk
    if resource == "indicators":
        return Indicator.objects.create(
            state_a_id="KZ",
            state_b_id="IL",
            metric="exports",
            period_start="2025-01-01",
            period_end="2025-12-31",
            value=1,
            unit="USD",
        ).pk
    raise AssertionError(resource)


@pytest.mark.parametrize("resource", [*RESOURCES, "states"])
def test_anonymous_gets_401_everywhere(db, api_as, resource):
    assert api_as(None).get(f"/api/v1/{resource}/").status_code == 401


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", [*RESOURCES, "states"])
def test_every_role_reads_every_list(db, api_as, role, resource):
    assert api_as(role).get(f"/api/v1/{resource}/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", RESOURCES)
def test_create_is_for_analysts(db, api_as, role, resource):
    body, _ = RESOURCES[resource]
    if resource == "actions":
        body = {**body, "origin_meeting": an_object("meetings")}
    model_count = _count(resource)

    response = api_as(role).post(f"/api/v1/{resource}/", body, format="json")

    if role == "analyst":
        assert response.status_code == 201, response.json()
        assert _count(resource) == model_count + 1
    else:
        assert response.status_code == 403
        assert _count(resource) == model_count


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", RESOURCES)
def test_update_is_for_analysts_and_managers_on_follow_ups(db, api_as, role, resource):
    pk = an_object(resource)
    field = {"sectors": "name", "people": "position"}.get(resource, "title")
    if resource in ("organizations",):
        field = "name"
    if resource == "indicators":
        field = "unit"
    _, other_writer = RESOURCES[resource]

    response = api_as(role).patch(f"/api/v1/{resource}/{pk}/", {field: "Changed"}, format="json")

    allowed = role == "analyst" or role == other_writer
    assert response.status_code == (200 if allowed else 403), response.content


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", RESOURCES)
def test_delete_is_for_analysts(db, api_as, role, resource):
    pk = an_object(resource)
    before = _count(resource)

    response = api_as(role).delete(f"/api/v1/{resource}/{pk}/")

    assert response.status_code == (204 if role == "analyst" else 403)
    assert _count(resource) == before - (1 if role == "analyst" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_states_are_read_only_for_everyone(db, api_as, role):
    client = api_as(role)

    assert client.post("/api/v1/states/", {"code": "XX", "name": "X"}).status_code == 403
    assert client.delete("/api/v1/states/KZ/").status_code == 403
    from agreements.models import State

    assert (State.objects.count(), State.objects.filter(code="KZ").exists()) == (249, True)


def test_session_login_works_for_a_browser(db, client_as):
    assert client_as("consumer").get("/api/v1/instruments/").status_code == 200


def test_an_expired_or_unknown_token_is_refused(db, api_as, user_with_role):
    from datetime import timedelta

    from knox.models import AuthToken
    from rest_framework.test import APIClient

    _, key = AuthToken.objects.create(user=user_with_role("analyst"), expiry=timedelta(seconds=-1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/instruments/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/instruments/").status_code == 401


def _count(resource):
    from agreements.models import Person, Sector

    model = {
        "sectors": Sector,
        "organizations": Organization,
        "people": Person,
        "sources": Source,
        "instruments": Instrument,
        "meetings": Meeting,
        "actions": FollowUpAction,
        "indicators": Indicator,
    }[resource]
    return model.objects.count()


def test_a_superuser_issues_a_token_in_the_admin_shown_once(db, client_as, user_with_role):
    from django.contrib.messages import get_messages
    from knox.models import AuthToken

    consumer = user_with_role("consumer")
    admin = client_as("superuser")

    response = admin.post(
        "/admin/knox/authtoken/add/",
        {"user": consumer.pk, "expiry_0": "2099-01-01", "expiry_1": "00:00:00"},
    )

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    [token_message] = [m for m in messages if m.startswith("TOKEN ")]
    key = token_message.removeprefix("TOKEN ").split()[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/instruments/").status_code == 200
    # Revoked by deleting it: the key stops working.
    AuthToken.objects.filter(user=consumer).delete()
    assert client.get("/api/v1/instruments/").status_code == 401
