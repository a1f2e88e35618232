"""/api/v1/meetings/: the contract, the pair filter, what was signed and promised there."""

import datetime

import pytest

from agreements.models import Meeting
from tests.factories import MeetingFactory

days = datetime.timedelta


def test_demo_meetings_filtered_by_pair_and_kind(demo, api_as):
    response = api_as("consumer").get("/api/v1/meetings/?pair=IL-KZ&kind=political_consultations")

    [meeting] = response.json()["results"]
    assert {key: meeting[key] for key in ("round", "starts_on", "place", "host", "states")} == {
        "round": 12,
        "starts_on": "2026-01-27",
        "place": "Astana",
        "host": "KZ",
        "states": ["IL", "KZ"],
    }


def test_meeting_lists_what_was_signed_and_promised(demo, api_as):
    visit = Meeting.objects.get(kind="official_visit")

    body = api_as("consumer").get(f"/api/v1/meetings/{visit.pk}/").json()

    assert len(body["instruments"]) == 3  # two memoranda and the visa agreement (proposed)
    assert len(body["actions"]) == 3


def test_meeting_create_refuses_an_end_before_the_start(db, api_as):
    response = api_as("analyst").post(
        "/api/v1/meetings/",
        {
            "title": "Summit",
            "kind": "summit",
            "states": ["KZ", "IL"],
            "starts_on": "2026-02-02",
            "ends_on": "2026-02-01",
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["A meeting cannot end before it starts."]},
    )
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 3])
def test_meeting_list_runs_the_same_queries_at_one_and_three_rows(
    db, api_as, django_assert_num_queries, rows
):
    for _ in range(rows):
        MeetingFactory()
    client = api_as("consumer")

    # 1 savepoint, 2 token with its user, 3-4 permissions, 5 the data version (the answer's key,
    # agreements/api/conditional.py), 6 count, 7 rows, 8 states, 9 people, 10 organizations,
    # 11 sectors, 12 sources, 13 instruments, 14 actions, 15 release
    with django_assert_num_queries(15):
        response = client.get("/api/v1/meetings/")

    assert len(response.json()["results"]) == rows


def test_meeting_date_range_and_search(demo, api_as):
    client = api_as("consumer")

    in_january = client.get(
        "/api/v1/meetings/?starts_after=2026-01-01&starts_before=2026-01-31"
    ).json()["results"]
    remembrance = client.get("/api/v1/meetings/?q=holocaust").json()["results"]

    assert len(in_january) == 4
    assert [m["kind"] for m in remembrance] == ["ceremony"]


def test_analyst_updates_and_deletes_a_meeting(db, api_as):
    client = api_as("analyst")
    meeting = client.post(
        "/api/v1/meetings/",
        {"title": "Call", "kind": "call", "states": ["KZ", "IL"], "status": "proposed"},
        format="json",
    ).json()
    url = f"/api/v1/meetings/{meeting['id']}/"

    scheduled_without_date = client.patch(url, {"status": "scheduled"}, format="json")
    scheduled = client.patch(url, {"status": "scheduled", "starts_on": "2027-02-01"}, format="json")
    deleted = client.delete(url)

    assert (scheduled_without_date.status_code, scheduled_without_date.json()) == (
        400,
        {"non_field_errors": ["A scheduled or held meeting needs its start date."]},
    )
    assert (scheduled.status_code, scheduled.json()["starts_on"]) == (200, "2027-02-01")
    assert deleted.status_code == 204
    assert Meeting.objects.count() == 0
