"""/api/v1/actions/: follow-ups, their computed flags, filters and progress updates."""

import datetime

import pytest

from agreements.models import FollowUpAction, today
from tests.factories import MeetingFactory, make_action

days = datetime.timedelta


def test_follow_up_flags_and_filters(db, api_as):
    meeting = MeetingFactory(states=["KZ", "IL"])
    late = make_action(
        origin_meeting=meeting,
        title="Late",
        agreed_on=today() - days(200),
        due_on=today() - days(1),
    )
    soon = make_action(
        origin_meeting=meeting, title="Soon", agreed_on=today(), due_on=today() + days(3)
    )
    client = api_as("consumer")

    overdue = client.get("/api/v1/actions/?overdue=true&pair=KZ-IL").json()["results"]
    rows = client.get("/api/v1/actions/?ordering=due_on").json()["results"]

    assert [row["id"] for row in overdue] == [late.pk]
    assert [(r["id"], r["is_overdue"], r["is_due_soon"], r["is_stale"]) for r in rows] == [
        (late.pk, True, False, True),
        (soon.pk, False, True, False),
    ]
    before = client.get(f"/api/v1/actions/?due_before={today().isoformat()}").json()["results"]
    assert [row["id"] for row in before] == [late.pk]


def test_manager_records_progress_and_the_status_follows(db, api_as):
    action = make_action()
    client = api_as("manager")

    created = client.post(
        f"/api/v1/actions/{action.pk}/updates/",
        {"note": "Dates proposed", "to_status": "in_progress", "happened_on": "2026-02-01"},
        format="json",
    )
    refused = client.post(
        f"/api/v1/actions/{action.pk}/updates/",
        {"note": "Back to the start", "to_status": "planned"},
        format="json",
    )
    listed = client.get(f"/api/v1/actions/{action.pk}/updates/").json()

    assert created.status_code == 201
    assert (refused.status_code, refused.json()) == (
        409,
        {
            "to_status": [
                "A follow-up that is in progress cannot become planned. "
                "Allowed next: on hold, completed, cancelled."
            ]
        },
    )
    assert [(u["from_status"], u["to_status"], u["recorded_by"]) for u in listed] == [
        ("planned", "in_progress", listed[0]["recorded_by"])
    ]
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_follow_up_status_cannot_be_written_directly(db, api_as):
    action = make_action()

    api_as("manager").patch(f"/api/v1/actions/{action.pk}/", {"status": "completed"}, format="json")

    action.refresh_from_db()
    assert action.status == "planned"


def test_follow_up_needs_an_origin(db, api_as):
    response = api_as("analyst").post("/api/v1/actions/", {"title": "Orphan"}, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Say where it was promised: a meeting or an instrument."]},
    )
    assert FollowUpAction.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 3])
def test_follow_up_list_runs_the_same_queries_at_one_and_three_rows(
    db, api_as, django_assert_num_queries, rows
):
    meeting = MeetingFactory()
    for number in range(rows):
        make_action(origin_meeting=meeting, title=f"Action {number}")
    client = api_as("consumer")

    # 1 savepoint, 2 token with its user, 3-4 permissions, 5 the data version (the answer's key,
    # agreements/api/conditional.py), 6 count, 7 rows with their last activity, 8 sectors,
    # 9 sources, 10 release
    with django_assert_num_queries(10):
        response = client.get("/api/v1/actions/")

    assert len(response.json()["results"]) == rows


def test_actions_filter_by_responsible_state_code_in_any_case(db, api_as):
    # Found by Schemathesis: this filter used to answer 500.
    kazakh = make_action(title="Kazakh side", responsible_state_id="KZ")
    make_action(title="Israeli side", responsible_state_id="IL")

    response = api_as("consumer").get("/api/v1/actions/?responsible_state=kz")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [kazakh.pk]
