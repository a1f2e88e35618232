"""/api/v1/ reference data (states, sectors, organizations, people, sources), the schema,
the docs and the token command."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

days = datetime.timedelta


def test_states_by_code_in_any_case(db, api_as):
    body = api_as("consumer").get("/api/v1/states/kz/").json()

    assert body == {"code": "KZ", "name": "Kazakhstan", "official_name": "Republic of Kazakhstan"}


def test_docs_are_served_without_a_cdn(db, client_as):
    page = client_as("consumer").get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


def test_schema_validates(db):
    out = StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)

    assert out.getvalue().startswith("openapi: 3.0.3")


def test_schema_and_docs_need_a_login(db, api_as):
    anonymous = api_as(None)

    assert anonymous.get("/api/schema/").status_code == 401
    assert anonymous.get("/api/docs/").status_code == 401
    assert api_as("consumer").get("/api/schema/").status_code == 200


def test_issue_token_prints_a_working_key_once(db, user_with_role, api_as):
    from rest_framework.test import APIClient

    user = user_with_role("consumer")
    out, err = StringIO(), StringIO()

    call_command("issue_token", user.username, "--days", "30", stdout=out, stderr=err)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert client.get("/api/v1/instruments/").status_code == 200
    assert "shown only this once" in err.getvalue()
    from knox.models import AuthToken

    assert out.getvalue().strip() not in {t.digest for t in AuthToken.objects.all()}


def test_issue_token_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("issue_token", "ghost")


def test_organization_create_update_and_a_duplicate_refused(db, api_as):
    client = api_as("analyst")

    created = client.post(
        "/api/v1/organizations/",
        {"name": "Ministry of Energy", "state": "kz", "kind": "ministry"},
        format="json",
    )
    duplicate = client.post(
        "/api/v1/organizations/", {"name": "Ministry of Energy", "state": "KZ"}, format="json"
    )
    updated = client.patch(
        f"/api/v1/organizations/{created.json()['id']}/", {"kind": "agency"}, format="json"
    )

    assert (created.status_code, created.json()["state"]) == (201, "KZ")
    assert (duplicate.status_code, duplicate.json()) == (
        400,
        {"non_field_errors": ["This state already has an organization of that name."]},
    )
    assert updated.json()["kind"] == "agency"
    listed = client.get("/api/v1/organizations/?state=KZ&kind=agency").json()["results"]
    assert [row["name"] for row in listed] == ["Ministry of Energy"]


def test_person_and_source_round_trip(db, api_as):
    client = api_as("analyst")
    organization = client.post(
        "/api/v1/organizations/", {"name": "Foreign Ministry", "state": "IL"}, format="json"
    ).json()

    person = client.post(
        "/api/v1/people/",
        {
            "name": "Gideon Sa’ar",
            "position": "Foreign Minister",
            "organization": organization["id"],
        },
        format="json",
    ).json()
    source = client.post(
        "/api/v1/sources/",
        {"title": "Press release", "url": "https://example.org/pr", "published_on": "2026-01-27"},
        format="json",
    ).json()

    assert client.get(f"/api/v1/people/{person['id']}/").json() == person
    assert client.get(f"/api/v1/sources/{source['id']}/").json() == source


@pytest.mark.parametrize(
    ("resource", "body", "errors"),
    [
        ("sources", {"title": "S", "url": "not a url"}, {"url": ["Enter a valid URL."]}),
        (
            "sources",
            {"title": "S", "published_on": "2026-13-01"},
            {
                "published_on": [
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ]
            },
        ),
        (
            "people",
            {"name": "P", "organization": 99999},
            {"organization": ['Invalid pk "99999" - object does not exist.']},
        ),
        (
            "sectors",
            {"slug": "not a slug!", "name": "X"},
            {
                "slug": [
                    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
                ]
            },
        ),
        (
            "organizations",
            {"name": "O", "state": "ZZ"},
            {"state": ["Unknown state code 'ZZ': use ISO 3166-1 alpha-2, such as KZ or IL."]},
        ),
    ],
)
def test_reference_data_refuses_bad_input(db, api_as, resource, body, errors):
    response = api_as("analyst").post(f"/api/v1/{resource}/", body, format="json")

    assert (response.status_code, response.json()) == (400, errors)


def test_sectors_by_slug(db, api_as):
    body = api_as("consumer").get("/api/v1/sectors/public-diplomacy/").json()

    assert (body["slug"], body["name"]) == ("public-diplomacy", "Public diplomacy")


def test_people_of_an_organization_that_does_not_exist_is_an_empty_list(db, api_as):
    response = api_as("consumer").get("/api/v1/people/?organization=999999")

    assert (response.status_code, response.json()["results"]) == (200, [])


def test_organizations_filter_by_state_code_in_any_case(db, api_as):
    from agreements.models import Organization

    kazakh = Organization.objects.create(name="Ministry of Foreign Affairs", state_id="KZ")
    Organization.objects.create(name="Ministry of Foreign Affairs", state_id="IL")

    response = api_as("consumer").get("/api/v1/organizations/?state=kz")

    assert [row["id"] for row in response.json()["results"]] == [kazakh.pk]
