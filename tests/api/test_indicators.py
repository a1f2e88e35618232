"""/api/v1/indicators/: figures for a pair of states."""

import datetime

import pytest

from agreements.models import Indicator

days = datetime.timedelta


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


def test_indicator_create_filter_update(db, api_as):
    client = api_as("analyst")
    created = client.post(
        "/api/v1/indicators/",
        {
            "pair": "il-kz",
            "metric": "exports",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "value": "12.5",
            "unit": "USD million",
        },
        format="json",
    )
    url = f"/api/v1/indicators/{created.json()['id']}/"

    updated = client.patch(url, {"value": "13.0"}, format="json")
    reversed_period = client.patch(url, {"period_end": "2024-01-01"}, format="json")

    assert (created.status_code, created.json()["pair"]) == (201, "IL-KZ")
    assert updated.json()["value"] == "13.0000"
    assert (reversed_period.status_code, reversed_period.json()) == (
        400,
        {"non_field_errors": ["The period cannot end before it starts."]},
    )
    exports = client.get("/api/v1/indicators/?pair=KZ-IL&metric=exports").json()["results"]
    assert [row["value"] for row in exports] == ["13.0000"]
