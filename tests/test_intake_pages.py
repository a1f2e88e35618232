"""The intake page and Record all: every kept row written through the services with the report
as its source, or nothing; matching records updated instead of duplicated; opened from a
meeting, it starts with that meeting."""

import datetime
from pathlib import Path

import pytest

from agreements.models import (
    FollowUpAction,
    Indicator,
    Instrument,
    Meeting,
    Source,
    StatusChange,
)
from tests.factories import MeetingFactory
from tests.intake_forms import posted

SEED = (Path(__file__).parent / "intake" / "seed-astana-2026-01.txt").read_text()


def review_of(client, text=SEED, published_on="2026-01-28"):
    response = client.post("/intake/", {"text": text, "published_on": published_on})
    assert response.status_code == 200
    return response


def counts():
    return (
        Meeting.objects.count(),
        Instrument.objects.count(),
        FollowUpAction.objects.count(),
        Indicator.objects.count(),
        Source.objects.count(),
    )


@pytest.mark.django_db
def test_review_shows_every_proposal_with_its_evidence_marked(client_as):
    html = review_of(client_as("analyst")).content.decode()
    data = posted(html)
    assert data["instruments-TOTAL_FORMS"] == "7"  # six proposed and a blank row
    assert data["meetings-TOTAL_FORMS"] == "7"
    assert (
        "<mark>The two foreign ministries signed documents on diplomatic training and public "
        "diplomacy, and agreed to pursue visa-free travel for holders of ordinary passports.</mark>"
    ) in html


@pytest.mark.django_db
def test_record_all_writes_the_kept_rows_with_the_report_as_source(client_as):
    client = client_as("analyst")
    data = posted(review_of(client).content.decode())
    del data["instruments-1-keep"]  # the memorandum on public diplomacy is not recorded
    response = client.post("/intake/record/", data)
    assert response.status_code == 302
    assert response["Location"] == "/relations/KZ-IL/"
    assert counts() == (6, 5, 4, 1, 1)
    source = Source.objects.get()
    assert source.title == "Kazakhstan and Israel Deepen Cooperation in Astana"
    memorandum = Instrument.objects.get(title="Memorandum on diplomatic training")
    assert (memorandum.status, memorandum.signed_on) == ("signed", datetime.date(2026, 1, 27))
    assert list(memorandum.sources.all()) == [source]
    assert [
        (c.to_status, c.happened_on, list(c.sources.all()))
        for c in StatusChange.objects.filter(instrument=memorandum).order_by("id")
    ] == [
        ("proposed", datetime.date(2026, 1, 27), [source]),
        ("signed", datetime.date(2026, 1, 27), [source]),
    ]
    visa = Instrument.objects.get(kind="agreement")
    assert (visa.status, visa.signed_on) == ("proposed", None)
    assert memorandum.meeting.kind == "official_visit"
    assert {m.sources.get() for m in Meeting.objects.all()} == {source}
    assert {a.origin_meeting.kind for a in FollowUpAction.objects.all()} == {"official_visit"}


@pytest.mark.django_db
def test_relationship_page_shows_what_was_recorded(client_as):
    client = client_as("analyst")
    data = posted(review_of(client).content.decode())
    del data["instruments-1-keep"]
    client.post("/intake/record/", data)
    page = client.get("/relations/KZ-IL/").content.decode()
    assert "Memorandum on diplomatic training" in page
    assert "Memorandum on public diplomacy" not in page


@pytest.mark.django_db
def test_a_mistake_in_one_row_writes_nothing_and_shows_next_to_it(client_as):
    client = client_as("analyst")
    data = posted(review_of(client).content.decode())
    data["instruments-0-signed_on"] = "2999-01-01"  # in the future: the service refuses it
    data["follow_ups-1-responsible_state"] = "XX"
    response = client.post("/intake/record/", data)
    assert response.status_code == 200
    assert counts() == (0, 0, 0, 0, 0)
    html = response.content.decode()
    assert "Nothing was recorded" in html
    assert "No state has the code “XX”" in html
    data["follow_ups-1-responsible_state"] = "KZ"
    response = client.post("/intake/record/", data)
    assert counts() == (0, 0, 0, 0, 0)
    row = html_row(response.content.decode(), "instruments", 0)
    assert "That date is in the future" in row
    assert "That date is in the future" not in html_row(response.content.decode(), "instruments", 1)


def html_row(html: str, section: str, index: int) -> str:
    start = html.index(f'data-section="{section}" data-row="{index}"')
    return html[start : html.index("</fieldset>", start)]


@pytest.mark.django_db
def test_review_offers_the_records_already_held_and_updates_them(client_as, demo):
    client = client_as("analyst")
    before = counts()
    data = posted(review_of(client).content.decode())
    visit = Meeting.objects.get(kind="official_visit")
    training = Instrument.objects.get(short_title="Memorandum on diplomatic training")
    assert data["meetings-0-existing"] == str(visit.pk)
    assert data["instruments-0-existing"] == str(training.pk)
    for section in ("follow_ups", "indicators"):
        for key in [k for k in data if k.startswith(section) and k.endswith("-keep")]:
            del data[key]
    for key in [k for k in data if k.startswith("meetings") and k.endswith("-keep")]:
        if data[key.replace("keep", "existing")] == "":
            del data[key]
    for key in [k for k in data if k.startswith("instruments") and k.endswith("-keep")]:
        if data[key.replace("keep", "existing")] == "":
            del data[key]
    response = client.post("/intake/record/", data)
    assert response.status_code == 302
    meetings, instruments, follow_ups, indicators, sources = counts()
    assert (meetings, instruments, follow_ups, indicators) == before[:4]
    assert sources == before[4] + 1
    assert training.sources.count() == 2


@pytest.mark.django_db
def test_intake_from_a_meeting_starts_with_its_states_and_day(client_as):
    meeting = MeetingFactory(starts_on=datetime.date(2026, 1, 27), place="Astana")
    codes = sorted(meeting.states.values_list("code", flat=True))
    page = client_as("analyst").get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/intake/?meeting={meeting.pk}"' in page
    data = posted(client_as("analyst").get(f"/intake/?meeting={meeting.pk}").content.decode())
    assert sorted(c.strip() for c in data["states"].split(",")) == codes
    assert data["origin_meeting"] == str(meeting.pk)
    assert data["instruments-0-signed_on"] == "2026-01-27"


@pytest.mark.django_db
def test_intake_from_a_meeting_records_its_outcomes_there(client_as):
    meeting = MeetingFactory(starts_on=datetime.date(2026, 1, 27), place="Astana")
    client = client_as("analyst")
    data = posted(client.get(f"/intake/?meeting={meeting.pk}").content.decode())
    data.update(
        {
            "title": "Press release of the foreign ministry",
            "instruments-0-keep": "on",
            "instruments-0-kind": "memorandum",
            "instruments-0-title": "Memorandum on tourism",
            "follow_ups-0-keep": "on",
            "follow_ups-0-title": "Hold a tourism fair",
        }
    )
    assert client.post("/intake/record/", data).status_code == 302
    instrument = Instrument.objects.get()
    assert (instrument.meeting, instrument.status, instrument.signature_place) == (
        meeting,
        "signed",
        "Astana",
    )
    assert FollowUpAction.objects.get().origin_meeting == meeting


@pytest.mark.django_db
def test_intake_refuses_text_that_is_not_a_report(client_as):
    response = client_as("analyst").post(
        "/intake/",
        {"text": "The weather was fine and the picnic of the club went on until late at night."},
    )
    assert response.status_code == 200
    assert "No state is named" in response.content.decode()
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "consumer"])
def test_intake_is_for_analysts_only(client_as, role):
    client = client_as(role)
    assert client.get("/intake/").status_code == 403
    assert client.post("/intake/record/", {}).status_code == 403
    assert "Record outcomes" not in client.get(f"/meetings/{MeetingFactory().pk}/").content.decode()


@pytest.mark.django_db
def test_intake_reads_an_uploaded_file_and_shows_its_text(client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("report.txt", SEED.encode())
    response = client_as("analyst").post("/intake/", {"file": upload, "published_on": "2026-01-28"})
    html = response.content.decode()
    assert posted(html)["instruments-TOTAL_FORMS"] == "7"
    assert '<div class="report-text">Kazakhstan and Israel Deepen Cooperation' in html


@pytest.mark.django_db
def test_intake_refuses_a_file_of_the_wrong_type_beside_the_field(client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("report.xlsx", b"PK\x03\x04")
    html = client_as("analyst").post("/intake/", {"file": upload}).content.decode()
    assert "is not a file intake reads" in html
