"""An analyst imports a register through the admin in a real browser, fixes the row it reports,
and imports again. Any console error or failed request fails the test."""

import pytest

from agreements.models import Instrument
from tests.browser.login import submit_login
from tests.factories import UserFactory

REGISTER = [
    "reference,title,kind,parties,proposed_on,signed_on",
    'MFA-1,Agreement on visa exemption,agreement,"Kazakhstan; Israel",2024-01-10,2024-03-05',
    'MFA-2,Memorandum on water,memorandum,"{second}; Israel",2025-02-01,',
]


pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def analyst_page(watched_page, live_server):
    """An analyst logged in to the admin (`watched_page`: fails on any console error or failed
    asset)."""
    UserFactory(username="ana", role="analyst", password="a-long-test-password")
    page = watched_page(width=1280, height=900)
    submit_login(page, f"{live_server.url}/admin/login/", "ana")
    page.wait_for_selector("#site-name")
    return page


def choose(page, tmp_path, second: str):
    path = tmp_path / "register.csv"
    path.write_text("\n".join(REGISTER).format(second=second) + "\n", encoding="utf-8")
    page.set_input_files("#id_file", str(path))
    page.click("input[value=Preview]")
    page.wait_for_selector("#summary")


def test_analyst_imports_a_register_after_fixing_a_row(analyst_page, live_server, tmp_path):
    page = analyst_page
    page.goto(f"{live_server.url}/admin/agreements/instrument/")
    page.click("a[href$='/admin/agreements/instrument/import/']")

    choose(page, tmp_path, "Kazakstan")

    assert page.inner_text("#problems") == (
        "row 3, parties: 'Kazakstan' is not a state — did you mean Kazakhstan?"
    )
    assert page.locator("input[name=confirm]").count() == 0

    choose(page, tmp_path, "Kazakhstan")

    assert page.inner_text("#summary") == (
        "register.csv: read 2 rows of instruments; would add 2, change 0, left 0 alone."
    )
    page.click("input[name=confirm]")
    page.wait_for_selector(".messagelist")

    # The admin writes its messages with a capital first letter.
    assert page.text_content(".messagelist").strip() == (
        "Register.csv: read 2 rows of instruments; added 2, changed 0, left 0 alone."
    )
    assert sorted(Instrument.objects.values_list("reference", "status")) == [
        ("MFA-1", "signed"),
        ("MFA-2", "proposed"),
    ]
