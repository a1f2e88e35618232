"""Inputs that once answered 500 (found by fuzzing the schema) now answer 4xx and change nothing."""

import pytest

from agreements.models import Organization, Person
from tests.factories import make_action, make_instrument


@pytest.mark.parametrize("method", ["put", "patch", "delete", "get"])
@pytest.mark.parametrize("resource", ["instruments", "meetings", "actions", "people"])
def test_a_malformed_id_answers_404(db, api_as, method, resource):
    client = api_as("analyst")

    response = getattr(client, method)(f"/api/v1/{resource}/null,null/", {}, format="json")

    assert response.status_code == 404


def test_a_nul_in_a_state_code_answers_400(db, api_as):
    instrument = make_instrument()

    response = api_as("analyst").post(
        f"/api/v1/instruments/{instrument.pk}/party-actions/",
        {"party": "K\x00", "action": "notification", "taken_on": "2026-01-01"},
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"party": ["Unknown state code 'K\\x00': use ISO 3166-1 alpha-2, such as KZ or IL."]},
    )


def test_a_nul_in_a_filter_answers_400(db, api_as):
    make_action()

    response = api_as("consumer").get("/api/v1/actions/?responsible_state=%00")

    assert response.status_code == 400


def test_deleting_a_record_others_refer_to_answers_409(db, api_as):
    organization = Organization.objects.create(name="Ministry", state_id="KZ")
    Person.objects.create(name="Envoy", organization=organization)

    response = api_as("analyst").delete(f"/api/v1/organizations/{organization.pk}/")

    assert (response.status_code, response.json()) == (
        409,
        {"detail": "It cannot be deleted while other records refer to it: person “Envoy”."},
    )
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_a_path_no_route_matches_answers_json_under_the_api(db, api_as):
    response = api_as("consumer").get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such page of the API."}


def test_errors_are_json_even_when_csv_was_asked_for(db, api_as):
    response = api_as("consumer").get("/api/v1/instruments/?format=csv&as_of=yesterday")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"as_of": "Give a date as YYYY-MM-DD."}
