"""The weekly reminder digest, read from Django's test outbox."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from agreements.models import MeetingSeries, Person
from agreements.services import action_record_update
from tests.factories import MeetingFactory, UserFactory, make_action

ON = datetime.date(2026, 11, 27)  # a Friday; the dates below count from it
days = datetime.timedelta


@pytest.fixture
def known_set(db):
    meeting = MeetingFactory(title="Official visit")
    envoy = Person.objects.create(name="A. Envoy", email="envoy@example.org")
    agreed = ON - days(100)
    return {
        "late": make_action(
            origin_meeting=meeting,
            title="Exchange draft texts",
            agreed_on=agreed,
            due_on=ON - days(3),
            responsible_contact=envoy,
        ),
        "long_late": make_action(
            origin_meeting=meeting, title="Old promise", agreed_on=agreed, due_on=ON - days(30)
        ),
        "soon": make_action(
            origin_meeting=meeting,
            title="Agree commission dates",
            agreed_on=agreed,
            due_on=ON + days(14),
        ),
        "later": make_action(
            origin_meeting=meeting,
            title="Open a consulate",
            agreed_on=agreed,
            due_on=ON + days(15),
            responsible_contact=envoy,
        ),
        "done": make_action(
            origin_meeting=meeting,
            title="Send the invitation",
            agreed_on=agreed,
            due_on=ON - days(2),
        ),
        "envoy": envoy,
    }


def test_digest_goes_to_managers_and_to_each_contact(known_set, settings):
    settings.SITE_URL = "https://bilateral.example.org"
    action_record_update(
        action=known_set["done"], note="Sent", to_status="completed", happened_on=ON - days(5)
    )
    UserFactory(role="manager", email="manager@example.org", username="dana")
    UserFactory(role="manager", email="", username="no-mail")
    UserFactory(role="consumer", email="consumer@example.org")
    out = StringIO()

    call_command("send_digests", "--date", ON.isoformat(), stdout=out)

    assert out.getvalue().strip() == "2 digest(s) sent."
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["envoy@example.org", "manager@example.org"]
    manager = by_address["manager@example.org"]
    assert manager.subject == "Bilateral: 1 became overdue, 1 due within 14 days"
    assert manager.body == (
        "Hello dana,\n\nThis week in Bilateral (27 Nov 2026):\n\n"
        "Became overdue:\n"
        "- Exchange draft texts (due 24 Nov 2026; agreed at Official visit)\n\n"
        "Due within 14 days:\n"
        "- Agree commission dates (due 11 Dec 2026; agreed at Official visit)\n\n"
        "The follow-up board: https://bilateral.example.org/follow-ups/\n"
    )
    html, mimetype = manager.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>Exchange draft texts</strong> — due 24 Nov 2026" in html
    envoy = by_address["envoy@example.org"]
    assert envoy.subject == "Bilateral: 1 became overdue, 0 due within 14 days"
    assert "Open a consulate" not in envoy.body  # due in 15 days: not yet


def test_nothing_to_say_sends_nothing(db):
    UserFactory(role="manager", email="manager@example.org")

    call_command("send_digests", "--date", ON.isoformat(), stdout=StringIO())

    assert mail.outbox == []


def test_send_digests_refuses_a_malformed_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("send_digests", "--date", "Friday")


def test_digest_tells_managers_what_is_on_the_radar(db, settings):
    from agreements import services
    from tests.factories import make_instrument

    settings.SITE_URL = "https://bilateral.example.org"
    instrument = make_instrument(title="Air services", intent_stated_on=datetime.date(2024, 1, 8))
    services.instrument_transition(instrument=instrument, to="signed", on=datetime.date(2025, 2, 3))
    UserFactory(role="manager", email="manager@example.org", username="dana")
    # Yearly consultations last held two years ago, none scheduled: overdue, flagged here too.
    series = MeetingSeries.objects.create(
        title="Political consultations",
        kind="political_consultations",
        state_a_id="KZ",
        state_b_id="IL",
        interval_months=12,
    )
    MeetingFactory(series=series, starts_on=datetime.date(2024, 11, 1), states=["KZ", "IL"])

    call_command("send_digests", "--date", ON.isoformat(), stdout=StringIO())

    [message] = mail.outbox
    assert message.body == (
        "Hello dana,\n\nThis week in Bilateral (27 Nov 2026):\n\n"
        "On the radar:\n"
        "- Israel–Kazakhstan: 1 stalled after signature, 1 round of meetings overdue "
        "(https://bilateral.example.org/radar/?pair=IL-KZ)\n"
        "The radar: https://bilateral.example.org/radar/\n\n"
        "The follow-up board: https://bilateral.example.org/follow-ups/\n"
    )
    assert (
        '<a href="https://bilateral.example.org/radar/?pair=IL-KZ"><strong>Israel–Kazakhstan'
        "</strong></a>: 1 stalled after signature, 1 round of meetings overdue"
    ) in message.alternatives[0][0]
