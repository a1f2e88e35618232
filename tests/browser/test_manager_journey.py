"""A manager in a real browser (see conftest.py): the Kazakhstan–Israel story and the board."""

import datetime

import pytest

from agreements.demo import load_demo
from agreements.models import FollowUpAction, Meeting, today
from tests.browser.login import submit_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world():
    load_demo()
    visit = Meeting.objects.get(kind="official_visit")
    FollowUpAction.objects.create(
        title="Exchange draft visa agreement texts",
        origin_meeting=visit,
        agreed_on=datetime.date(2026, 1, 27),
        due_on=today() - datetime.timedelta(days=12),
    )
    UserFactory(username="maya", role="manager", password="a-long-test-password")


@pytest.fixture
def page(browser, live_server, world):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    submit_login(page, f"{live_server.url}/", "maya")
    page.wait_for_selector("h1")
    return page


def test_manager_follows_the_kazakhstan_israel_story(page, live_server):
    assert page.inner_text("h1") == "What needs you"
    assert "Overdue by 12 days" in page.inner_text("main")

    page.click("text=Israel–Kazakhstan")
    assert page.inner_text("h1") == "Israel–Kazakhstan"
    assert page.inner_text(".headline").startswith("Nothing is in force between Israel and")
    signed = page.locator(".stage.status-signed")
    assert signed.locator(".count").inner_text() == "5"

    signed.locator("a").click()
    assert page.url.endswith("#status-signed")
    listed = page.locator("#status-signed + ul li").all_inner_texts()
    assert len(listed) == 5
    assert any("Memorandum on diplomatic training" in item for item in listed)

    page.click("#status-signed + ul >> text=Memorandum on diplomatic training")
    steps = page.locator(".stepper .step").all_inner_texts()
    assert steps[0].startswith("Proposed") and "27 Jan 2026" in steps[3]


def test_manager_filters_the_board_to_overdue_items(page, live_server):
    page.click("header >> text=Follow-ups")
    assert page.locator("table.board tbody tr").count() == 5

    page.select_option("#id_overdue", "true")
    page.click("form.filters button[type=submit]")

    rows = page.locator("table.board tbody tr")
    assert rows.count() == 1
    assert rows.first.get_attribute("class") == "overdue"
    assert rows.first.locator(".badge").inner_text() == "Overdue by 12 days"
    assert "1 overdue" in page.inner_text(".summary")


def test_manager_reads_the_board_on_a_phone(browser, live_server, world):
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    submit_login(phone, f"{live_server.url}/follow-ups/", "maya")
    # The board's rows exist before its stylesheet has loaded: wait for the page's "load".
    phone.wait_for_url("**/follow-ups/")
    phone.wait_for_load_state("load")

    first = phone.locator("table.board tbody tr").first
    assert first.locator("td").first.evaluate("cell => getComputedStyle(cell).display") == "block"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_manager_sees_what_needs_them_and_acts_on_it(watched_page, live_server, world):
    """Home flags KZ-IL for its stale and unassigned promises; the manager opens one, moves it
    to in progress, and the home page's line changes."""
    page = watched_page()
    submit_login(page, f"{live_server.url}/", "maya")
    page.wait_for_load_state("load")

    line = page.locator("li.relation", has_text="Israel–Kazakhstan")
    assert "5 open promises: 1 overdue, all stale, 4 without an owner, 4 undated" in (
        line.inner_text()
    )
    assert line.get_attribute("class") == "relation overdue"

    page.click("text=Israel–Kazakhstan")
    page.click(".columns >> text=Convene the Kazakhstan–Israel Joint Economic Commission")
    page.wait_for_load_state("load")
    page.fill("#id_note", "The commission's secretariats agreed on an agenda.")
    page.select_option("#id_to_status", "in_progress")
    page.click("#add-update button[type=submit]")
    page.wait_for_load_state("load")
    assert page.text_content(".kicker") == "Follow-up · In progress"

    page.click("header >> text=Relationships")
    page.wait_for_load_state("load")
    line = page.locator("li.relation", has_text="Israel–Kazakhstan")
    assert "5 open promises: 1 overdue, 4 stale, 4 without an owner, 4 undated" in (
        line.inner_text()
    )
