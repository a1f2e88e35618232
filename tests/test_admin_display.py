"""What the admin shows: dates in the one format of the pages, words where a value is missing,
and the status form with what its date widget needs."""

import datetime
import json
import re

from agreements.services import instrument_transition, party_action_record
from tests.factories import make_instrument

D = datetime.date


def test_admin_and_pages_write_dates_the_same_way(db, client_as):
    instrument = make_instrument(title="Agreement on air services", intent_stated_on=D(2025, 3, 1))
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27))
    client = client_as("analyst")

    change_page = client.get(f"/admin/agreements/instrument/{instrument.pk}/change/")
    list_page = client.get("/admin/agreements/instrument/")
    plain_page = client.get(f"/instruments/{instrument.pk}/")

    change, listed, plain = (
        " ".join(r.content.decode().split()) for r in (change_page, list_page, plain_page)
    )
    # The signature: a read-only field, the history's heading and row, a list column, the page.
    assert '<div class="readonly">27 Jan 2026</div>' in change
    assert "<p> Signed on 27 Jan 2026 </p>" in change
    assert '<td class="field-happened_on"> <p>27 Jan 2026</p> </td>' in change
    assert '<td class="field-signed_on nowrap">27 Jan 2026</td>' in listed
    assert "<dt>Signed</dt><dd>27 Jan 2026</dd>" in plain
    for other_format in ("Jan. 27, 2026", "2026-01-27", "27 January 2026"):
        assert other_format not in change + listed + plain


def test_admin_says_in_words_that_no_step_is_missing(db, client_as):
    instrument = make_instrument(
        entry_into_force_rule="days_after_last_notification",
        entry_into_force_days=30,
        intent_stated_on=D(2025, 3, 1),
    )
    instrument_transition(instrument=instrument, to="signed", on=D(2025, 6, 1))
    for state in ("KZ", "IL"):
        party_action_record(
            instrument=instrument, state=state, action="notification", taken_on=D(2025, 7, 1)
        )

    page = client_as("analyst").get(f"/admin/agreements/instrument/{instrument.pk}/change/")

    html = page.content.decode()
    assert "Nothing: every step its rule needs is recorded." in html
    assert ">None<" not in html


def test_status_form_loads_what_its_date_widget_needs(db, client_as):
    instrument = make_instrument()
    client = client_as("analyst")

    page = client.get(f"/admin/agreements/instrument/{instrument.pk}/status/").content.decode()
    catalogue = client.get("/admin/jsi18n/").content.decode()

    # The calendar's words (gettext) and the format it writes (ISO, which no reader misreads).
    assert '<script src="/admin/jsi18n/"></script>' in page
    assert '<script src="/static/admin/js/admin/DateTimeShortcuts.js"></script>' in page
    formats = json.loads(re.search(r"django.formats = (\{.*?\});", catalogue, re.S)[1])
    assert (formats["DATE_INPUT_FORMATS"][0], formats["FIRST_DAY_OF_WEEK"]) == ("%Y-%m-%d", 1)
