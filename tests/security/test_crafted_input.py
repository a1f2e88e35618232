"""Finding 4: crafted input answers 400 or 404 with a message, never a 500. NUL bytes are refused
everywhere by one middleware; JSON nesting is bounded by the API's parser; numbers in URLs are
ASCII digits; the audit trail's page checks the object it is given."""

import datetime
import json

import pytest
from django.test import Client

from agreements.api.parsers import MAX_DEPTH
from tests.factories import make_action, make_instrument

EVENTS = "/admin/pghistory/middlewareevents/"
NUL = "The request holds a NUL character (%00)"


@pytest.fixture
def analyst(client_as):
    return client_as("analyst")


@pytest.mark.parametrize(
    "url",
    [
        "/relations/K%00-IL/",
        "/follow-ups/?pair=K%00-IL",
        "/search/?q=a%00b",
        "/admin/agreements/instrument/?status__exact=%00",
        "/admin/agreements/instrument/?q=%00",
        "/admin/agreements/followupaction/?urgency=%00",
        f"{EVENTS}?pgh_obj_model=%00",
        f"{EVENTS}?obj=agreements.Instrument:%00",
        "/instruments/?a%00=1",
    ],
)
def test_a_nul_byte_in_a_page_url_answers_400_with_a_message(db, analyst, url):
    response = analyst.get(url)

    assert response.status_code == 400
    assert NUL in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/instruments/?pair=K%00-IL", "/api/v1/states/K%00/", "/api/v1/changes/?since=%00"],
)
def test_a_nul_byte_in_an_api_url_answers_400_in_json(db, api_as, url):
    response = api_as("consumer").get(url)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(NUL)


def test_a_nul_byte_in_a_token_header_or_session_cookie_answers_400(db, api_as):
    anonymous = api_as(None)
    anonymous.credentials(HTTP_AUTHORIZATION="Token abc\x00def")
    browser = Client()
    browser.cookies["sessionid"] = "abcdefgh\x00ijkl"

    statuses = [anonymous.get("/api/v1/states/").status_code, browser.get("/").status_code]

    assert statuses == [400, 400]


def test_a_nul_byte_in_a_login_form_answers_400(db):
    response = Client().post(
        "/admin/login/",
        "username=ana%00&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400


@pytest.mark.parametrize("depth", [10_000, MAX_DEPTH + 1])
def test_json_nested_too_deep_answers_400(db, api_as, depth):
    body = "[" * depth + "]" * depth

    response = api_as("analyst").post("/api/v1/sources/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The JSON body is nested more than 32 levels deep; no request needs that."
    }


def test_json_as_deep_as_allowed_is_parsed(db, api_as):
    nested = {"title": "Report", "url": "https://example.org/r"}
    body = {
        **nested,
        "excerpt": "",
        "extra": json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)),
    }

    response = api_as("analyst").post("/api/v1/sources/", body, format="json")

    assert response.status_code == 201


@pytest.mark.parametrize("token", ["%C2%B2-x", "%D9%A1-x", "1_0-x", "+1-x"])
def test_a_calendar_token_with_other_digits_finds_no_calendar(db, client, token):
    response = client.get(f"/calendar/{token}.ics")

    assert response.status_code == 404


@pytest.mark.parametrize("since", ["²", "١٢", "1_0", "+1", " 1"])
def test_changes_since_other_digits_answers_400(db, api_as, since):
    response = api_as("consumer").get("/api/v1/changes/", {"since": since})

    assert (response.status_code, response.json()) == (
        400,
        {"since": f"No change has the id {since!r}."},
    )


@pytest.mark.parametrize("size", ["²", "١٠"])
def test_changes_page_size_in_other_digits_answers_400(db, api_as, size):
    response = api_as("consumer").get("/api/v1/changes/", {"since": "0", "page_size": size})

    assert (response.status_code, response.json()) == (
        400,
        {"page_size": "Give a whole number from 1 to 1000."},
    )


@pytest.mark.parametrize("year", ["²", "99999", "0", "-1", "١٢"])
@pytest.mark.parametrize(
    ("admin_list", "parameter"),
    [("meeting", "starts_on_year"), ("followupaction", "due_on_year")],
)
def test_admin_year_filter_with_an_impossible_year_lists_nothing(
    db, analyst, admin_list, parameter, year
):
    make_action(due_on=datetime.date(2026, 6, 1))  # and its meeting

    response = analyst.get(f"/admin/agreements/{admin_list}/", {parameter: year})

    assert (response.status_code, response.context["cl"].result_count) == (200, 0)


@pytest.mark.parametrize(
    "obj",
    [
        "agreements.Instrument:abc",
        "agreements.Instrument:99999999999999999999999",
        "agreements.State:toolongcode",
        "agreements.Nothing:1",
        "auth.User:1",
        "nonsense",
    ],
)
@pytest.mark.parametrize("method", [None, "references", "tracks"])
def test_events_page_with_a_malformed_object_answers_with_a_message(db, analyst, obj, method):
    query = {"obj": obj, **({"method": method} if method else {})}

    response = analyst.get(EVENTS, query)

    assert response.status_code in (200, 400, 404)
    if response.status_code != 200:
        assert "No such object in the audit trail" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"obj": "agreements.Instrument:abc", "method": "references"},
        {"obj": "agreements.Instrument:abc"},
    ],
)
def test_events_page_with_a_non_numeric_instrument_id_answers_404(db, analyst, query):
    response = analyst.get(EVENTS, query)

    assert response.status_code == 404
    assert "No such object in the audit trail" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "nonsense", "agreements.Nothing"])
def test_events_page_with_a_malformed_event_model_answers_404(db, analyst, value):
    response = analyst.get(EVENTS, {"event_model": value})

    assert response.status_code == 404
    assert "No such object in the audit trail" in response.content.decode()


def test_events_page_ignores_a_request_for_facets(db, analyst):
    response = analyst.get(EVENTS, {"_facets": "1"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/agreements/source/?published_on__year=99999999999999999999999",
        "/admin/axes/accesslog/?attempt_time__year=99999999999999999999999",
    ],
)
def test_admin_date_drill_down_with_a_year_beyond_any_integer_answers_400(client_as, url):
    response = client_as("superuser").get(url)

    assert response.status_code == 400
    assert "A number in the address is larger than any date or id can be." in (
        response.content.decode()
    )


def test_events_page_for_a_real_instrument_still_lists_it(db, analyst):
    instrument = make_instrument()

    response = analyst.get(EVENTS, {"obj": f"agreements.Instrument:{instrument.pk}"})

    assert response.status_code == 200


def test_schema_says_no_text_parameter_may_hold_a_nul(db, api_as):
    schema = api_as("consumer").get("/api/schema/?format=json").json()

    free_text = [
        (path, parameter["name"], parameter["schema"].get("pattern"))
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["schema"].get("type") == "string" and "enum" not in parameter["schema"]
    ]

    assert free_text
    assert [row for row in free_text if row[2] is None] == []
    ordering = [row for row in free_text if row[:2] == ("/api/v1/organizations/", "ordering")]
    assert ordering == [("/api/v1/organizations/", "ordering", "^[^\\x00]*$")]
