"""A record's reference in the ministry's own register (the register import matches rows by it)
is read, written and looked up through the API for every kind that has one."""

import itertools

import pytest

from agreements.models import FollowUpAction, Meeting, Organization, Person
from tests.factories import MeetingFactory, OrganizationFactory, make_action, make_instrument


def _meeting(reference):
    return MeetingFactory(reference=reference)


def _action(reference):
    return make_action(reference=reference)


def _organization(reference):
    return OrganizationFactory(reference=reference)


def _person(reference):
    return Person.objects.create(name=f"Person {reference}", reference=reference)


def _instrument(reference):
    return make_instrument(reference=reference)


KINDS = {
    "meetings": _meeting,
    "actions": _action,
    "organizations": _organization,
    "people": _person,
    "instruments": _instrument,
}


@pytest.mark.parametrize("resource", KINDS)
def test_a_record_is_looked_up_by_its_reference(db, api_as, resource):
    wanted = KINDS[resource]("REG-2026/014")
    KINDS[resource]("REG-2026/015")
    KINDS[resource]("")
    api = api_as("consumer")

    listed = api.get(f"/api/v1/{resource}/", {"reference": "REG-2026/014"}).json()["results"]
    detail = api.get(f"/api/v1/{resource}/{wanted.pk}/").json()

    assert [row["id"] for row in listed] == [wanted.pk]
    assert detail["reference"] == "REG-2026/014"
    assert api.get(f"/api/v1/{resource}/", {"reference": "REG-2026"}).json()["results"] == []


# Fields each kind needs to be created through the API, besides its reference.
NEW = {
    "meetings": lambda: {
        "title": "Round 13",
        "kind": "political_consultations",
        "states": ["KZ", "IL"],
        "starts_on": "2026-12-10",
    },
    "actions": lambda: {"title": "Convene the commission", "origin_meeting": MeetingFactory().pk},
    "organizations": lambda: {"name": f"Ministry {next(numbers)}", "state": "KZ"},
    "people": lambda: {"name": "A. Person"},
}
numbers = itertools.count(1)
MODELS = {
    "meetings": Meeting,
    "actions": FollowUpAction,
    "organizations": Organization,
    "people": Person,
}
NOUNS = {
    "meetings": "meeting",
    "actions": "follow-up",
    "organizations": "organization",
    "people": "person",
}


@pytest.mark.parametrize("resource", NEW)
def test_a_reference_is_written_and_a_repeated_one_refused(db, api_as, resource):
    api = api_as("analyst")

    created = api.post(f"/api/v1/{resource}/", {**NEW[resource](), "reference": "R-1"}, "json")
    before = MODELS[resource].objects.count()
    repeated = api.post(f"/api/v1/{resource}/", {**NEW[resource](), "reference": "R-1"}, "json")

    assert created.status_code == 201, created.json()
    assert created.json()["reference"] == "R-1"
    assert repeated.status_code == 400
    # In the model's words, as an instrument's repeated reference is answered.
    assert repeated.json() == {
        "non_field_errors": [f"Another {NOUNS[resource]} already has this reference."]
    }
    assert MODELS[resource].objects.count() == before


@pytest.mark.parametrize("resource", NEW)
def test_blank_references_do_not_clash(db, api_as, resource):
    api = api_as("analyst")

    first = api.post(f"/api/v1/{resource}/", {**NEW[resource](), "reference": ""}, "json")
    second = api.post(f"/api/v1/{resource}/", {**NEW[resource](), "reference": ""}, "json")

    assert (first.status_code, second.status_code) == (201, 201), second.json()
    assert first.json()["reference"] == second.json()["reference"] == ""
