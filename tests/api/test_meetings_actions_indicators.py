"""/api/v1/ meetings, follow-up actions and their updates, indicators, reference data, schema."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import FollowUpAction, Indicator, Meeting, today
from tests.factories import MeetingFactory, make_action

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

    # 1 savepoint, 2 token, 3 user, 4-5 permissions, 6 count, 7 rows, 8 states, 9 people,
    # 10 organizations, 11 sectors, 12 sources, 13 instruments, 14 actions, 15 release
    with django_assert_num_queries(15):
        response = client.get("/api/v1/meetings/")

    assert len(response.json()["results"]) == rows


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

    # 1 savepoint, 2 token, 3 user, 4-5 permissions, 6 count, 7 rows with their last activity,
    # 8 sectors, 9 sources, 10 release
    with django_assert_num_queries(10):
        response = client.get("/api/v1/actions/")

    assert len(response.json()["results"]) == rows


def test_demo_trade_baseline_by_pair_in_either_order(demo, api_as):
    rows = api_as("consumer").get("/api/v1/indicators/?pair=IL-KZ").json()["results"]

    assert [(r["pair"], r["metric"], r["value"], r["unit"], r["period_end"]) for r in rows] == [
        ("KZ-IL", "trade_turnover", "162.4000", "USD million", "2025-11-30"),
    ]


@pytest.mark.parametrize(
    ("pair", "errors"),
    [
        ("KZ-KZ", {"non_field_errors": ["An indicator is for two different states."]}),
        (
            "KZIL",
            {"pair": ["Give two ISO 3166-1 alpha-2 codes joined by a hyphen, such as KZ-IL."]},
        ),
    ],
)
def test_indicator_refuses_a_bad_pair(db, api_as, pair, errors):
    response = api_as("analyst").post(
        "/api/v1/indicators/",
        {
            "pair": pair,
            "metric": "exports",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "value": "1",
            "unit": "USD",
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (400, errors)
    assert Indicator.objects.count() == 0


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
