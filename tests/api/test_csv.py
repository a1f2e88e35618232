"""CSV on every list: parsed back, it holds exactly the filtered rows, every one of them."""

import csv
import io

import pytest

from tests.factories import make_instrument

LISTS = [
    "states",
    "sectors",
    "organizations",
    "people",
    "sources",
    "instruments",
    "meetings",
    "actions",
    "indicators",
]


def parse(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_answers_csv(demo, api_as, resource):
    client = api_as("consumer")

    as_json = client.get(f"/api/v1/{resource}/?page_size=500").json()
    response = client.get(f"/api/v1/{resource}/?format=csv")

    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == f'attachment; filename="{resource}.csv"'
    rows = parse(response)
    assert len(rows) == as_json["count"]
    key = "code" if resource == "states" else "id"
    assert [row[key] for row in rows] == [str(item[key]) for item in as_json["results"]]


def test_csv_has_every_filtered_row_not_a_page(db, api_as):
    for number in range(7):
        make_instrument(title=f"Agreement {number}", parties=("KZ", "IL"))
    make_instrument(title="Other pair", parties=("KZ", "FR"))

    response = api_as("consumer").get(
        "/api/v1/instruments/?pair=KZ-IL&page_size=2", HTTP_ACCEPT="text/csv"
    )

    rows = parse(response)
    assert sorted(row["title"] for row in rows) == [f"Agreement {n}" for n in range(7)]
    assert {row["parties"] for row in rows} == {"IL; KZ"}
    assert rows[0]["entry_into_force_rule.type"] == ""


def test_csv_with_a_bad_filter_answers_400(db, api_as):
    response = api_as("consumer").get("/api/v1/instruments/?format=csv&pair=KZ")

    assert response.status_code == 400


def test_csv_needs_a_login(db, api_as):
    assert api_as(None).get("/api/v1/instruments/?format=csv").status_code == 401
