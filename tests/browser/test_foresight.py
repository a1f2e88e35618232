"""Foresight in a real browser: the radar, the coverage grid and the brief, each failing on any
console error or failed asset. With SCREENSHOTS_DIR set, each page is also saved there at desktop
and phone width (docs/screenshots/ holds the committed ones)."""

import datetime
import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from agreements import services
from agreements.demo import load_demo
from agreements.models import FollowUpAction, Instrument, InstrumentLink, Subject
from tests.browser.login import submit_login
from tests.factories import UserFactory, make_instrument

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

date = datetime.date
Status = Instrument.Status
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world():
    """The demo, and what a few years of a relationship leave on the radar."""
    load_demo()
    air = make_instrument(
        title="Air services agreement",
        intent_stated_on=date(2023, 2, 1),
        entry_into_force_rule=Instrument.EntryIntoForceRule.DAYS_AFTER_LAST_NOTIFICATION,
        entry_into_force_days=30,
    )
    services.instrument_transition(instrument=air, to=Status.SIGNED, on=date(2024, 9, 16))
    services.party_action_record(
        instrument=air, state="KZ", action="notification", taken_on=date(2025, 1, 20)
    )
    old = make_instrument(
        title="Agreement on cultural cooperation",
        intent_stated_on=date(2015, 1, 5),
        duration_years=5,
    )
    services.instrument_transition(instrument=old, to=Status.SIGNED, on=date(2016, 3, 1))
    services.instrument_transition(instrument=old, to=Status.IN_FORCE, on=date(2016, 5, 1))
    trade = make_instrument(
        title="Trade and economic cooperation agreement",
        intent_stated_on=date(2018, 1, 5),
        duration_years=3,
        renews_tacitly=True,
        notice_months=6,
    )
    services.instrument_transition(instrument=trade, to=Status.SIGNED, on=date(2018, 7, 2))
    services.instrument_transition(instrument=trade, to=Status.IN_FORCE, on=date(2018, 9, 1))
    newer = make_instrument(
        title="Protocol on cultural cooperation", intent_stated_on=date(2024, 1, 9)
    )
    services.instrument_transition(instrument=newer, to=Status.SIGNED, on=date(2025, 4, 1))
    services.instrument_transition(instrument=newer, to=Status.IN_FORCE, on=date(2025, 5, 1))
    InstrumentLink.objects.create(
        instrument=newer, relation=InstrumentLink.Relation.REPLACES, target=old
    )
    air.subjects.set([Subject.objects.get(slug="air-services")])
    trade.subjects.set([Subject.objects.get(slug="trade-economic-cooperation")])
    visas = Instrument.objects.get(title__icontains="visa")
    visas.subjects.set([Subject.objects.get(slug="visa-exemption")])
    for partner, title in [("FR", "Air transport agreement"), ("DE", "Air services accord")]:
        other = make_instrument(parties=("KZ", partner), title=title)
        services.instrument_transition(instrument=other, to=Status.SIGNED, on=date(2025, 6, 2))
        other.subjects.set([Subject.objects.get(slug="air-services")])
    UserFactory(username="maya", role="manager", password="a-long-test-password")
    UserFactory(username="ari", role="analyst", password="a-long-test-password")


@pytest.fixture
def log_in(watched_page, live_server, world):
    """A logged-in page (`watched_page`: fails on any console error or failed asset)."""

    def log_in(username, path, viewport=DESKTOP):
        page = watched_page(**viewport)
        submit_login(page, f"{live_server.url}{path}", username)
        page.wait_for_load_state("load")
        return page

    return log_in


def screenshot(page, name):
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_radar_lists_why_and_offers_analysts_the_termination(log_in):
    page = log_in("ari", "/radar/")

    assert page.inner_text("h1") == "Radar"
    assert page.locator("li.rule-stalled").count() == 3
    stalled = page.locator("li.rule-stalled", has_text="Air services agreement")
    assert "Waiting for Israel's notification" in stalled.inner_text()
    assert page.locator("li.rule-expired").count() == 1
    assert page.locator("li.rule-replaced").count() == 1
    counts = page.locator("nav.radar-counts").inner_text()
    assert "Stalled after signature: 3" in counts and "Replaced: 1" in counts
    screenshot(page, "radar.png")

    # A rule's count opens its items alone.
    page.locator("nav.radar-counts >> text=Stalled after signature").click()
    page.wait_for_load_state("load")
    assert page.locator("li.radar-item").count() == page.locator("li.rule-stalled").count() == 3
    page.go_back()

    page.locator("li.rule-replaced >> text=Record its termination as replaced").click()
    page.wait_for_load_state("load")
    assert page.locator("#id_to").input_value() == "terminated"
    assert page.locator("#id_termination_type").input_value() == "replaced"
    assert page.locator("#id_date").input_value() == "2025-05-01"


def test_radar_filters_and_reads_on_a_phone(log_in):
    page = log_in("maya", "/radar/?pair=IL-KZ", viewport=PHONE)

    assert page.locator("li.radar-item").count() >= 3
    assert "Record its termination" not in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "radar-phone.png")

    page.select_option("#id_kind", "memorandum")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator("li.radar-item").count() == 0


def test_coverage_grid_in_colour_and_words(log_in):
    page = log_in("maya", "/coverage/?state=KZ")

    assert page.inner_text("h1") == "Coverage of Kazakhstan's relationships"
    israel = page.locator("table.coverage tbody tr", has_text="Israel")
    air = israel.locator("td.cover-signed")
    assert air.inner_text() == "Signed"
    colour = air.evaluate("cell => getComputedStyle(cell).backgroundColor")
    none = israel.locator("td.cover-none").first.evaluate(
        "cell => getComputedStyle(cell).backgroundColor"
    )
    assert colour != none
    assert israel.locator("td.cover-proposed").inner_text() == "Proposed"
    screenshot(page, "coverage.png")

    air.locator("a").click()
    page.wait_for_load_state("load")
    assert page.inner_text("h1") == "Air services agreement"


def test_coverage_on_a_phone_scrolls_inside_its_table(log_in):
    page = log_in("maya", "/coverage/?state=KZ", viewport=PHONE)

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "coverage-phone.png")


def test_brief_prints_on_one_to_three_a4_pages(log_in):
    page = log_in("maya", "/relations/KZ-IL/brief/")
    screenshot(page, "brief.png")

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", display_header_footer=False)))

    assert 1 <= len(pdf.pages) <= 3
    text = " ".join(sheet.extract_text() for sheet in pdf.pages)
    flat = " ".join(text.split())
    assert "Israel–Kazakhstan" in flat
    for promise in FollowUpAction.objects.values_list("title", flat=True):
        assert " ".join(promise.split()) in flat, promise
    assert f"Page 1 of {len(pdf.pages)}" in flat
    assert "Relationships" not in pdf.pages[0].extract_text().split("\n")[0]


def test_brief_on_a_phone(log_in):
    page = log_in("maya", "/relations/KZ-IL/brief/", viewport=PHONE)

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "brief-phone.png")
