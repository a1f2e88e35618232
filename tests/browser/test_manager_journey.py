"""A manager in a real browser (see conftest.py): the Kazakhstan–Israel story and the board."""

import datetime

import pytest

from agreements.demo import load_demo
from agreements.models import FollowUpAction, Meeting, today
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
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "maya")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_selector("h1")
    return page


def test_manager_follows_the_kazakhstan_israel_story(page, live_server):
    assert page.inner_text("h1") == "Where every relationship stands"
    assert "Overdue by 12 days" in page.inner_text("main")

    page.click("text=Israel–Kazakhstan")
    assert page.inner_text("h1") == "Israel – Kazakhstan"
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
    phone.goto(f"{live_server.url}/follow-ups/")
    phone.fill("#id_username", "maya")
    phone.fill("#id_password", "a-long-test-password")
    phone.click("input[type=submit]")
    # The board's rows exist before its stylesheet has loaded: wait for the page's "load".
    phone.wait_for_url("**/follow-ups/")
    phone.wait_for_load_state("load")

    first = phone.locator("table.board tbody tr").first
    assert first.locator("td").first.evaluate("cell => getComputedStyle(cell).display") == "block"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
