"""An analyst changes a status in the admin with the calendar widget, a manager copies the
calendar address and logs out, and the API docs lead back: in a real browser (see conftest.py),
failing on any JavaScript error or failed asset of any page visited."""

import datetime

import pytest
from playwright.sync_api import expect

from agreements.models import Instrument, today
from agreements.services import instrument_transition, party_action_record
from tests.browser.login import submit_login
from tests.factories import UserFactory, make_instrument

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

D = datetime.date


@pytest.fixture
def air_services():
    instrument = make_instrument(
        title="Agreement on air services",
        intent_stated_on=D(2025, 3, 1),
        entry_into_force_rule="days_after_last_notification",
        entry_into_force_days=30,
    )
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27))
    # Long enough to have pushed the party-action rows off a 1366-pixel screen.
    party_action_record(
        instrument=instrument,
        state="KZ",
        action="notification",
        taken_on=D(2026, 3, 2),
        reference="Note verbale No. 14-2/311 of the Ministry of Foreign Affairs",
        note="Received through the embassy; the ministry completed its internal procedures.",
    )
    party_action_record(
        instrument=instrument, state="IL", action="approval", taken_on=D(2026, 3, 9)
    )
    return instrument


def log_in(page, url, username):
    submit_login(page, url, username)
    page.wait_for_load_state("load")


def test_analyst_changes_a_status_with_the_calendar_widget(watched_page, live_server, air_services):
    UserFactory(username="ada", role="analyst", password="a-long-test-password")
    page = watched_page(width=1366)
    log_in(page, f"{live_server.url}/admin/", "ada")

    page.click("#content-main >> text=Instruments")
    page.click("#result_list >> text=Agreement on air services")
    page.wait_for_load_state("load")
    inline = page.locator("#party_actions-group")
    table_width = inline.evaluate("group => group.querySelector('table').scrollWidth")
    assert table_width <= inline.evaluate("group => group.clientWidth"), "runs off the right edge"
    assert "KZ notification that internal procedures are complete on 2 Mar 2026" in (
        inline.inner_text()
    )

    page.click(".object-tools >> text=Change status")
    page.wait_for_load_state("load")
    page.select_option("#id_to", "provisionally_applied")
    page.fill("#id_date", "")
    page.click("#calendarlink0")
    assert page.locator("#calendarbox0").is_visible()
    page.click("#calendarbox0 .calendar-shortcuts >> text=Today")
    assert page.input_value("#id_date") == today().isoformat()
    page.click("input[type=submit][value=Save]")
    page.wait_for_load_state("load")

    assert page.inner_text(".messagelist") == (
        "“Agreement on air services” is now provisionally applied."
    )
    air_services.refresh_from_db()
    latest = air_services.status_changes.effective().in_world_order().last()
    assert (air_services.status, latest.happened_on) == (
        Instrument.Status.PROVISIONALLY_APPLIED,
        today(),
    )


def test_manager_copies_the_calendar_address_and_logs_out(watched_page, live_server, air_services):
    UserFactory(username="maya", role="manager", password="a-long-test-password")
    page = watched_page(permissions=["clipboard-read", "clipboard-write"])
    log_in(page, f"{live_server.url}/", "maya")

    address = page.get_attribute("#calendar-address", "href")
    page.click("button.copy")
    # The label changes once the clipboard has taken the address (a promise): wait for it.
    expect(page.locator("button.copy")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert address.startswith(f"{live_server.url}/calendar/")
    icon = page.get_attribute("link[rel=icon]", "href")
    assert page.request.get(f"{live_server.url}{icon}").status == 200

    page.click("header >> text=Log out")
    page.wait_for_load_state("load")
    assert page.inner_text("h1") == "Logged out"
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/admin/login/")


def test_the_api_docs_lead_back_to_the_pages(watched_page, live_server):
    UserFactory(username="maya", role="manager", password="a-long-test-password")
    page = watched_page()
    log_in(page, f"{live_server.url}/admin/login/?next=/api/docs/", "maya")
    page.wait_for_selector(".swagger-ui .info")

    page.click("text=← Back to Bilateral")

    assert page.url == f"{live_server.url}/"
    assert page.locator("header.site >> text=Log out").is_visible()
