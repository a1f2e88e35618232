"""Debian's Chromium driven by Playwright against a live server, for every browser test.

Skipped where /usr/bin/chromium is missing (a laptop without it), except in CI, where `.ci/run`
installs it and a missing browser fails. Never `playwright install`: no browser is downloaded.
"""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser():
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's event loop shares the test thread with the ORM calls of the fixtures.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Django keeps a connection per context, and Playwright runs the test in a context of its
    # own: close what is open on either side, or a connection is left behind, holding the test
    # database open when pytest drops it.
    connections.close_all()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()
        connections.close_all()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def watched_page(browser):
    """Open a page that notes every JavaScript error, console error and failed asset of every
    page it visits; the test fails on any of them."""
    problems = []

    def open_page(width=1366, height=900, **context_options):
        viewport = {"width": width, "height": height}
        context = browser.new_context(viewport=viewport, **context_options)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"console {message.text} at {message.location}")
                if message.type == "error"
                else None
            ),
        )
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
        page.on(
            "response",
            lambda response: (
                problems.append(f"{response.status}: {response.url}")
                if response.status >= 400
                else None
            ),
        )
        return page

    yield open_page
    assert problems == []
