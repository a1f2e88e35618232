"""A manager finds a relationship's follow-ups on the board by typing a state's name, opens one
and moves it on from its own page, in Debian's Chromium (fixtures: `test_manager_journey`)."""

import pytest

from agreements.models import FollowUpAction
from tests.browser.test_manager_journey import page, pytestmark, world  # noqa: F401

# Chromium asks every site for /favicon.ico unless a page links its icon (DRF's pages do not).
NOT_OURS = ("/favicon.ico",)


@pytest.fixture
def problems(page):  # noqa: F811
    """Every JavaScript error and every failed request or asset the page runs into."""
    found = []
    page.on("pageerror", lambda error: found.append(f"script: {error}"))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.location.get("url", "").endswith(NOT_OURS)
            and found.append(f"console: {message.text} ({message.location.get('url')})")
        ),
    )
    page.on("requestfailed", lambda request: found.append(f"failed: {request.url}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith(NOT_OURS)
            and found.append(f"{response.status}: {response.url}")
        ),
    )
    return found


def test_manager_finds_a_pairs_follow_ups_by_name_and_moves_one_on(page, problems):  # noqa: F811
    page.click("header >> text=Follow-ups")
    page.wait_for_load_state("load")

    page.locator("#id_pair_0").press_sequentially("Kaz")
    offered = page.eval_on_selector_all("#states option", "options => options.map(o => o.value)")
    assert [name for name in offered if "Kaz" in name] == ["Kazakhstan"]
    # A native datalist's pop-up cannot be clicked by Playwright: choosing fills the value.
    page.fill("#id_pair_0", "Kazakhstan")
    page.locator("#id_pair_1").press_sequentially("Isr")
    assert [name for name in offered if name.startswith("Isr")] == ["Israel"]
    page.fill("#id_pair_1", "Israel")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("load")

    rows = page.locator("table.board tbody tr")
    assert rows.count() == FollowUpAction.objects.count() == 5
    assert page.inner_text(".summary").startswith("5 follow-ups between Israel and Kazakhstan")

    page.click("table.board >> text=President Tokayev to visit Israel")
    page.wait_for_load_state("load")
    assert page.inner_text("h1") == "President Tokayev to visit Israel"
    assert page.text_content(".kicker") == "Follow-up · Planned"

    page.fill("#id_note", "Dates for the visit proposed through diplomatic channels.")
    page.select_option("#id_to_status", "in_progress")
    page.click("#add-update button[type=submit]")
    page.wait_for_load_state("load")

    assert page.text_content(".kicker") == "Follow-up · In progress"
    assert "the follow-up is now in progress" in page.inner_text(".messages")
    latest = page.locator("ol.updates li").last.inner_text()
    assert "Dates for the visit proposed through diplomatic channels." in latest
    assert "planned → in progress" in latest
    assert FollowUpAction.objects.get(title="President Tokayev to visit Israel").status == (
        "in_progress"
    )
    assert problems == []


def test_board_filters_fold_on_a_phone_and_stay_open_on_a_desktop(page, problems):  # noqa: F811
    page.click("header >> text=Follow-ups")
    page.wait_for_load_state("load")
    assert page.locator("#id_pair_0").is_visible()
    assert not page.locator("details.filters-fold > summary").is_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.locator("#id_pair_0").is_visible()
    page.click("details.filters-fold > summary")
    assert page.locator("#id_pair_0").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []
