"""The schema says what the API does: what it forbids is refused with a clear 400 (or 404) and
nothing written, and what it allows is accepted, save the rules each write's description lists."""

import re

import pytest

from agreements.models import Instrument, Source
from tests.factories import make_instrument


@pytest.fixture
def schema(db, api_as):
    return api_as("consumer").get("/api/schema/?format=json").json()


def parameter(schema, path, name, method="get"):
    return next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)


@pytest.mark.parametrize("size", ["501", "0", "-1", "ten", "1.5"])
def test_a_page_size_beyond_the_maximum_or_no_whole_number_answers_400(db, api_as, size):
    response = api_as("consumer").get(f"/api/v1/sectors/?page_size={size}")

    assert (response.status_code, response.json()) == (
        400,
        {"page_size": "Give a whole number from 1 to 500."},
    )


def test_the_largest_page_size_and_an_empty_one_are_accepted(db, api_as):
    client = api_as("consumer")

    largest = client.get("/api/v1/states/?page_size=500").json()["results"]
    empty = client.get("/api/v1/states/?page_size=").json()["results"]

    assert (len(largest), len(empty)) == (249, 50)  # every ISO 3166-1 state; the default page


def test_the_schema_states_the_page_size_bounds(schema):
    page_size = parameter(schema, "/api/v1/sectors/", "page_size")

    assert (page_size["schema"], page_size["allowEmptyValue"]) == (
        {"type": "integer", "minimum": 1, "maximum": 500},
        True,
    )


def test_the_changes_feed_refuses_a_page_size_beyond_its_maximum(db, api_as):
    response = api_as("consumer").get("/api/v1/changes/?since=0&page_size=1001")

    assert (response.status_code, response.json()) == (
        400,
        {"page_size": "Give a whole number from 1 to 1000."},
    )


@pytest.mark.parametrize("query", ["page_size=501", "page=0", "page=abc"])
def test_a_csv_refuses_the_paging_a_page_would_refuse(db, api_as, query):
    response = api_as("consumer").get(f"/api/v1/sectors/?format=csv&{query}")

    assert (response.status_code, response["Content-Type"]) == (
        400 if "page_size" in query else 404,
        "application/json",
    )


@pytest.mark.parametrize(
    "url", ["/api/v1/sectors/?format=xml", "/api/v1/sectors/?format=api", "/api/v1/sectors.api"]
)
def test_a_format_the_schema_does_not_list_answers_404(db, api_as, url):
    # `api` was DRF's browsable HTML, which the schema never offered.
    response = api_as("consumer").get(url)

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_the_schema_lists_the_formats_and_an_empty_one_is_json(db, api_as, schema):
    format_ = parameter(schema, "/api/v1/sectors/", "format")

    response = api_as("consumer").get("/api/v1/sectors/?format=")

    assert (format_["schema"]["enum"], format_["allowEmptyValue"]) == (["csv", "json"], True)
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", 12, "Give text (a JSON string)."),
        ("excerpt", 1.5, "Give text (a JSON string)."),
        ("url", 0, "Give text (a JSON string)."),
        ("title", ["a"], "Give text (a JSON string)."),
    ],
)
def test_a_number_where_text_is_wanted_answers_400_and_writes_nothing(
    db, api_as, field, value, message
):
    # DRF would store 12 as "12": a program sending a number for text has a bug to hear about.
    body = {"title": "Joint statement", field: value}

    response = api_as("analyst").post("/api/v1/sources/", body, format="json")

    assert (response.status_code, response.json()) == (400, {field: [message]})
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("binding", "yes", "Give true or false."),
        ("duration_years", "5", "Give a whole number."),
        ("sources", {}, "Give a list (a JSON array)."),
        ("sources", ["1"], "Give an id (a whole number)."),
        ("sectors", [7], "Give a code or slug (a JSON string)."),
    ],
)
def test_other_values_of_another_json_type_answer_400(db, api_as, field, value, message):
    instrument = make_instrument()

    response = api_as("analyst").patch(
        f"/api/v1/instruments/{instrument.pk}/", {field: value}, format="json"
    )

    assert (response.status_code, response.json()) == (400, {field: [message]})


def test_a_link_without_its_target_answers_400_in_a_patch(db, api_as):
    instrument = make_instrument()

    response = api_as("analyst").patch(
        f"/api/v1/instruments/{instrument.pk}/", {"links": [{"relation": "amends"}]}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {"links": ["Each link names its relation and its target."]},
    )


def test_a_decimal_given_as_a_number_or_as_nothing_answers_400(db, api_as, schema):
    pattern = schema["components"]["schemas"]["IndicatorRequest"]["properties"]["value"]["pattern"]
    body = {"pair": "KZ-IL", "metric": "trade_turnover", "period_start": "2025-01-01"}
    body |= {"period_end": "2025-11-30", "unit": "USD million"}
    client = api_as("analyst")

    as_number = client.post("/api/v1/indicators/", {**body, "value": 162.4}, format="json")
    as_nothing = client.post("/api/v1/indicators/", {**body, "value": ""}, format="json")
    as_text = client.post("/api/v1/indicators/", {**body, "value": "162.4"}, format="json")

    assert [bool(re.fullmatch(pattern, v)) for v in ("", "-", ".", "162.4", ".5")] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert [as_number.status_code, as_nothing.status_code, as_text.status_code] == [400, 400, 201]


def test_a_state_code_no_state_has_answers_400_in_a_filter(db, api_as, schema):
    client = api_as("consumer")

    assert client.get("/api/v1/organizations/?state=XX").status_code == 400
    assert client.get("/api/v1/actions/?responsible_state=AAA").status_code == 400
    assert client.get("/api/v1/actions/?responsible_state=KZ").status_code == 200
    assert "KZ" in parameter(schema, "/api/v1/organizations/", "state")["schema"]["enum"]


@pytest.mark.parametrize("organization", ["0", "-5", "1.5"])
def test_an_id_filter_refuses_what_is_no_id(db, api_as, organization):
    response = api_as("consumer").get(f"/api/v1/people/?organization={organization}")

    assert response.status_code == 400


def test_a_write_lists_the_rules_no_schema_can_state(schema):
    create = schema["paths"]["/api/v1/meeting-series/"]["post"]
    read = schema["paths"]["/api/v1/meeting-series/"]["get"]

    assert create["x-refused-beyond-schema"] is True
    assert "- `state_a` and `state_b` are two different states." in create["description"]
    assert "x-refused-beyond-schema" not in read


def test_a_write_that_breaks_a_listed_rule_answers_400_and_writes_nothing(db, api_as, schema):
    instrument = make_instrument()
    rules = schema["paths"]["/api/v1/instruments/{id}/"]["put"]["description"]

    response = api_as("analyst").patch(
        f"/api/v1/instruments/{instrument.pk}/", {"meeting": 999999}, format="json"
    )

    assert "`meeting`" in rules.split("each id or slug names a record that exists")[0]
    assert response.status_code == 400
    assert Instrument.objects.get(pk=instrument.pk).meeting is None


def test_parties_given_twice_are_forbidden_by_the_schema_too(schema):
    parties = schema["components"]["schemas"]["InstrumentRequest"]["properties"]["parties"]

    assert (parties["minItems"], parties["uniqueItems"]) == (2, True)
