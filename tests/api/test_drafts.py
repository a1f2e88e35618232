"""POST /api/v1/drafts/: the same draft as the command, refusals as 400 with a message, nothing
written, analysts only."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from agreements.models import Change, Instrument, Meeting

SEED = Path(__file__).parent.parent / "intake" / "seed-astana-2026-01.txt"


@pytest.mark.django_db
def test_draft_answers_the_same_shape_as_the_command(api_as):
    response = api_as("analyst").post(
        "/api/v1/drafts/",
        {"text": SEED.read_text(), "published_on": "2026-01-28"},
        format="json",
    )
    out = io.StringIO()
    call_command("draft_from_report", str(SEED), "--date", "2026-01-28", "--json", stdout=out)
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())


@pytest.mark.django_db
def test_draft_writes_nothing(api_as):
    client = api_as("analyst")
    before = Change.objects.count()
    client.post("/api/v1/drafts/", {"text": SEED.read_text()}, format="json")
    assert (Change.objects.count(), Instrument.objects.count(), Meeting.objects.count()) == (
        before,
        0,
        0,
    )


@pytest.mark.django_db
def test_draft_reads_an_uploaded_file(api_as):
    upload = SimpleUploadedFile("report.txt", SEED.read_bytes(), content_type="text/plain")
    response = api_as("analyst").post(
        "/api/v1/drafts/", {"file": upload, "publisher": "Astana Times"}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["source"]["publisher"] == "Astana Times"
    assert len(response.json()["instruments"]) == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"text": ""}, "text", "The report is empty"),
        ({"text": "a " * 30}, "text", "No state is named"),
        (
            {"text": "Kazakhstan and Israel are both members of the United Nations and of many "
             "other bodies, which meet in various places."},
            "text",
            "does not read as a report of relations",
        ),
    ],
)  # fmt: skip
def test_draft_refuses_bad_text_with_a_clear_message(api_as, payload, field, message):
    response = api_as("analyst").post("/api/v1/drafts/", payload, format="json")
    assert response.status_code == 400
    assert message in response.json()[field][0]


@pytest.mark.django_db
def test_draft_refuses_a_file_of_the_wrong_type(api_as):
    upload = SimpleUploadedFile("report.xlsx", b"PK\x03\x04", content_type="application/zip")
    response = api_as("analyst").post("/api/v1/drafts/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "not a file intake reads" in response.json()["file"][0]


@pytest.mark.django_db
def test_draft_refuses_a_file_over_the_size_limit(api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    upload = SimpleUploadedFile("report.txt", b"a" * (5 * 1024 * 1024 + 1))
    response = api_as("analyst").post("/api/v1/drafts/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "up to 5 MB" in response.json()["file"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "consumer"])
def test_draft_is_forbidden_to_managers_and_consumers(api_as, role):
    response = api_as(role).post("/api/v1/drafts/", {"text": SEED.read_text()}, format="json")
    assert response.status_code == 403
