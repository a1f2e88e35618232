"""Every answer about an instrument is built from plain rows (`agreements/api/instrument_rows.py`):
the list and an instrument's own page, asked the same way, say the same, field for field."""

import datetime

import pytest

from agreements.models import Instrument, Sector
from agreements.services import instrument_transition, party_action_record
from tests.factories import MeetingFactory, SourceFactory, make_instrument

D = datetime.date


@pytest.fixture
def consumer(api_as):
    return api_as("consumer")


def list_and_details(client, query=""):
    """The list's rows, and each instrument's own page, asked with the same query."""
    rows = client.get(f"/api/v1/instruments/?page_size=500{query}").json()["results"]
    details = [client.get(f"/api/v1/instruments/{row['id']}/?{query[1:]}").json() for row in rows]
    return rows, details


def every_kind_of_instrument():
    """One instrument per rule and per stage of its notifications, with the fields that vary."""
    sectors = [
        Sector.objects.create(slug=slug, name=name) for slug, name in [("z", "A"), ("a", "Z")]
    ]
    sources = [
        SourceFactory(published_on=None, title="B"),
        SourceFactory(published_on=D(2025, 3, 1), title="A"),
        SourceFactory(published_on=D(2025, 3, 1), title="C"),
    ]
    # Codes in one order, names in another: AT Austria, CH Switzerland, DE Germany.
    three = ("CH", "DE", "AT")
    make_instrument(title="No rule, proposed")
    signed = make_instrument(
        title="On signature", entry_into_force_rule="on_signature", sectors=sectors
    )
    instrument_transition(instrument=signed, to="signed", on=D(2025, 6, 1))
    make_instrument(title="On signature, unsigned", entry_into_force_rule="on_signature")
    make_instrument(
        title="Fixed date",
        entry_into_force_rule="fixed_date",
        entry_into_force_date=D(2027, 1, 1),
        sources=sources,
        meeting=MeetingFactory(),
        notes="With notes",
        short_title="FD",
    )
    for notified in ([], ["DE"], ["CH", "DE", "AT"]):
        days = make_instrument(
            title=f"Days, notified by {notified}",
            parties=three,
            entry_into_force_rule="days_after_last_notification",
            entry_into_force_days=30,
            duration_years=5,
            renews_tacitly=True,
        )
        instrument_transition(instrument=days, to="signed", on=D(2025, 6, 1))
        for n, code in enumerate(notified):
            party_action_record(
                instrument=days, state=code, action="notification", taken_on=D(2025, 7, 1 + n)
            )
    months = make_instrument(
        title="Months, non-binding",
        is_binding=False,
        entry_into_force_rule="first_day_of_month_after_last_notification",
        entry_into_force_months=2,
    )
    instrument_transition(instrument=months, to="signed", on=D(2025, 6, 1))
    party_action_record(
        instrument=months, state="KZ", action="ratification", taken_on=D(2025, 7, 1)
    )
    for code in ("KZ", "IL"):
        party_action_record(
            instrument=months, state=code, action="notification", taken_on=D(2025, 7, 15)
        )


def test_list_rows_say_what_each_instrument_page_says(db, consumer):
    every_kind_of_instrument()

    rows, details = list_and_details(consumer)

    assert len(rows) == 8
    assert rows == details
    by_title = {row["title"]: row for row in rows}
    assert by_title["Days, notified by ['DE']"]["parties"] == ["AT", "DE", "CH"]
    assert by_title["Days, notified by ['DE']"]["missing_steps"] == [
        "waiting for Austria's notification that internal procedures are complete",
        "waiting for Switzerland's notification that internal procedures are complete",
    ]
    assert by_title["Months, non-binding"]["status_label"] == "In effect"


def test_list_rows_on_a_past_day_say_what_the_page_says_on_that_day(db, consumer):
    every_kind_of_instrument()

    rows, details = list_and_details(consumer, "&as_of=2025-06-15")

    assert [row["status"] for row in rows] == ["signed"] * 4 + ["in_force"] + ["proposed"] * 3
    assert rows == details


def test_list_rows_of_the_demo_say_what_each_page_says(demo, consumer):
    rows, details = list_and_details(consumer)

    assert len(rows) == Instrument.objects.count()
    assert rows == details


def test_list_rows_give_times_in_the_configured_time_zone(db, consumer, settings):
    settings.TIME_ZONE = "Asia/Almaty"
    make_instrument()

    rows, details = list_and_details(consumer)

    assert rows[0]["created_at"].endswith("+05:00")
    assert rows == details


# Committed writes: a transaction that has written names no version (`versions()`).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_state_names_stay_kept_across_other_writes_and_follow_a_rename():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agreements.api.instrument_rows import state_names
    from agreements.models import State

    assert state_names()["KZ"] == "Kazakhstan"
    Sector.objects.create(slug="water", name="Water")  # a write to another table
    with CaptureQueriesContext(connection) as after_another_write:
        assert state_names()["KZ"] == "Kazakhstan"
    State.objects.filter(code="KZ").update(name="Qazaqstan")
    renamed = state_names()

    assert len(after_another_write) == 1  # the versions, not the states again
    assert renamed["KZ"] == "Qazaqstan"
