"""An analyst records a report in a real browser: paste the seed article, untick one proposal,
Record all, and the relationship page shows the rest. Fails on any console error or failed
asset (the strict CSP would turn an inline script or style into one)."""

from pathlib import Path

import pytest

from tests.browser.login import submit_login
from tests.factories import UserFactory

SEED = (Path(__file__).parent.parent / "intake" / "seed-astana-2026-01.txt").read_text()

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def analyst_page(watched_page, live_server):
    """An analyst logged in on the intake page (`watched_page`: fails on any console error or
    failed asset)."""
    UserFactory(username="ana", role="analyst", password="a-long-test-password")
    page = watched_page(width=1280, height=900)
    submit_login(page, f"{live_server.url}/intake/", "ana")
    page.wait_for_selector("h1")
    return page


def test_analyst_records_the_seed_article_less_one_memorandum(analyst_page, live_server):
    page = analyst_page
    assert page.inner_text("h1") == "Record a report"
    page.fill("#id_text", SEED)
    page.fill("#id_published_on", "2026-01-28")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Review what the report tells")

    titles = [page.input_value(f"#id_instruments-{row}-title") for row in range(6)]
    assert titles[:2] == ["Memorandum on diplomatic training", "Memorandum on public diplomacy"]
    assert page.locator("blockquote.evidence mark").count() >= 20
    page.uncheck("#id_instruments-1-keep")
    # Recording writes some forty rows with their history: slow on a loaded CI machine.
    with page.expect_navigation(timeout=120_000):
        page.click("button:has-text('Record all')")
    assert page.locator(".error").all_inner_texts() == []
    assert page.url == f"{live_server.url}/relations/KZ-IL/"
    main = page.inner_text("main")
    assert "Memorandum on diplomatic training" in main
    assert "Memorandum on public diplomacy" not in main
    assert "Convene the Kazakhstan–Israel Joint Economic Commission" in main
