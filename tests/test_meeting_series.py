"""Recurring commitments: a meeting series knows its last round and when the next is due; one past
due with no round scheduled is flagged on the radar and the relationship page."""

import datetime

import pytest

from agreements.models import Meeting, MeetingSeries, today
from agreements.radar import Rule, radar_items
from agreements.series import series_state, series_with_rounds
from tests.factories import MeetingFactory

date = datetime.date


def consultations(interval=12, **fields):
    return MeetingSeries.objects.create(
        title=fields.pop("title", "Political consultations"),
        kind=Meeting.Kind.POLITICAL_CONSULTATIONS,
        state_a_id="IL",
        state_b_id="KZ",
        interval_months=interval,
        **fields,
    )


def round_of(series, number, on, status=Meeting.Status.HELD):
    return MeetingFactory(
        title=f"Round {number}", series=series, round_number=number, starts_on=on, status=status
    )


def state_on(series, on):
    return series_state(series_with_rounds().get(pk=series.pk), on=on)


def test_next_round_due_an_interval_after_the_last_held_one(db):
    series = consultations()
    round_of(series, 11, date(2024, 2, 29))
    round_of(series, 12, date(2025, 1, 27))
    round_of(series, 13, None, status=Meeting.Status.PROPOSED)

    state = state_on(series, date(2026, 1, 27))
    assert (state.last_held_on, state.last_round, state.next_due_on) == (
        date(2025, 1, 27),
        12,
        date(2026, 1, 27),
    )
    # Due on the day is on time; the day after, with nothing scheduled, it is overdue.
    assert state.is_overdue is False
    assert state_on(series, date(2026, 1, 28)).is_overdue is True


def test_a_scheduled_round_means_nothing_is_overdue(db):
    series = consultations()
    round_of(series, 1, date(2024, 1, 10))
    round_of(series, 2, date(2026, 12, 1), status=Meeting.Status.SCHEDULED)

    assert state_on(series, date(2026, 1, 1)).is_overdue is False


def test_without_an_interval_nothing_is_ever_due(db):
    series = consultations(interval=None)
    round_of(series, 12, date(2020, 1, 27))

    state = state_on(series, date(2030, 1, 1))
    assert (state.next_due_on, state.is_overdue) == (None, False)


def test_overdue_series_on_the_radar_with_why(db):
    series = consultations()
    round_of(series, 12, date(2025, 1, 27))

    [item] = radar_items(on=date(2026, 3, 1))
    assert (item.rule, item.title, item.party_codes, item.due_on) == (
        Rule.SERIES_OVERDUE,
        "Political consultations",
        ["IL", "KZ"],
        date(2026, 1, 27),
    )
    assert item.why == (
        "The 12th round was held on 27 January 2025; rounds are expected every 12 months, so "
        "the next was due by 27 January 2026, and none is scheduled."
    )
    assert item.url == "/relations/IL-KZ/"


def test_radar_filters_select_series_by_pair_and_leave_them_out_by_kind(db, client_as):
    round_of(consultations(), 1, date(2024, 1, 10))
    client = client_as("consumer")

    def rules(query):
        return [item.rule for item in client.get(f"/radar/?{query}").context["page"].items]

    assert rules("pair=KZ-IL") == [Rule.SERIES_OVERDUE]
    assert rules("state=KZ") == [Rule.SERIES_OVERDUE]
    assert rules("pair=KZ-FR") == []
    assert rules("kind=treaty") == []


def test_relationship_page_flags_an_overdue_series(db, client_as):
    round_of(consultations(), 1, today() - datetime.timedelta(days=500))

    page = client_as("manager").get("/relations/KZ-IL/").content.decode()

    assert "Next round overdue" in page
    assert "none is scheduled" in page


def test_demo_consultations_start_a_series_with_no_interval_and_no_flag(demo, client_as):
    series = MeetingSeries.objects.get()
    [twelfth] = series.rounds.all()

    assert (series.interval_months, twelfth.round_number) == (None, 12)
    assert state_on(series, date(2030, 1, 1)).is_overdue is False
    page = client_as("manager").get("/relations/KZ-IL/").content.decode()
    assert "Next round overdue" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_series_api_list_queries_do_not_grow(db, api_as, django_assert_num_queries, count):
    for number in range(count):
        round_of(consultations(title=f"Series {number}"), 1, date(2024, 1, 10))
    client = api_as("consumer")

    # 1 savepoint, 2 the token with its user, 3-4 permissions, 5 the data version (the answer's
    # key, agreements/api/conditional.py), 6 count, 7 the page of series with their states and
    # rounds, 8 release
    with django_assert_num_queries(8):
        response = client.get("/api/v1/meeting-series/")

    assert response.json()["count"] == count
    assert response.json()["results"][0] == {
        "id": MeetingSeries.objects.get(title="Series 0").pk,
        "title": "Series 0",
        "kind": "political_consultations",
        "state_a": "IL",
        "state_b": "KZ",
        "interval_months": 12,
        "notes": "",
        "last_held_on": "2024-01-10",
        "last_round": 1,
        "next_due_on": "2025-01-10",
        "is_overdue": True,
    }


def test_series_api_analysts_write_and_the_model_refuses_one_state(db, api_as):
    body = {
        "title": "Joint commission",
        "kind": "joint_commission",
        "state_a": "KZ",
        "state_b": "KZ",
        "interval_months": 24,
    }

    assert api_as("manager").post("/api/v1/meeting-series/", body, format="json").status_code == 403
    refused = api_as("analyst").post("/api/v1/meeting-series/", body, format="json")
    created = api_as("analyst").post(
        "/api/v1/meeting-series/", {**body, "state_b": "IL"}, format="json"
    )

    assert refused.status_code == 400
    assert "A series is between two different states." in str(refused.json())
    assert created.status_code == 201
    assert created.json()["next_due_on"] is None
