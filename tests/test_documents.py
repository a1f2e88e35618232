"""Documents attached to instruments and meetings: upload, checking by content, extraction,
search with the matching passage, download, access for each role, the admin inline, the
changes feed, the audit trail, the export's round trip and the storage settings."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from agreements.documents.services import document_attach
from agreements.models import Change, Document
from tests.document_files import docx_with_text, pdf_with_text, pdf_without_text, xlsx
from tests.factories import MeetingFactory, make_instrument

pytestmark = pytest.mark.django_db

PHRASE = "desalination of seawater"
PDF_LINES = (
    "Agreement between the Parties on water",
    "Article 3. The Parties shall cooperate on desalination of seawater",
    "and on the reuse of treated water in agriculture.",
)


def upload(api, data: bytes, name: str = "text.pdf", **fields):
    form = {"file": SimpleUploadedFile(name, data), "language": "en", **fields}
    return api.post("/api/v1/documents/", form, format="multipart")


def attach(owner, data: bytes, name: str = "text.pdf", **fields) -> Document:
    key = "instrument" if owner._meta.model_name == "instrument" else "meeting"
    return document_attach(
        upload=SimpleUploadedFile(name, data), language="en", **{key: owner}, **fields
    )


# --- Upload and extraction ---------------------------------------------------------------------


def test_analyst_uploads_a_pdf_and_its_text_is_read(api_as, documents_storage):
    instrument = make_instrument()

    response = upload(
        api_as("analyst"),
        pdf_with_text(*PDF_LINES),
        instrument=instrument.pk,
        kind="signed_text",
        is_authentic="true",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get()
    assert {key: body[key] for key in ("instrument", "meeting", "kind", "is_authentic")} == {
        "instrument": instrument.pk,
        "meeting": None,
        "kind": "signed_text",
        "is_authentic": True,
    }
    assert (body["file_format"], body["content_type"], body["extraction"]) == (
        "pdf",
        "application/pdf",
        "extracted",
    )
    assert body["original_name"] == "text.pdf"
    assert body["uploaded_by"] == document.uploaded_by.username
    assert document.text == "\n".join(PDF_LINES)
    assert documents_storage.exists(document.file.name)
    assert document.file.name.endswith(".pdf") and "text" not in document.file.name


def test_a_docx_made_with_python_docx_is_read(db):
    meeting = MeetingFactory()

    document = attach(meeting, docx_with_text("Joint communiqué", "The sides agreed on rail."))

    assert (document.file_format, document.extraction) == ("docx", "extracted")
    assert document.text == "Joint communiqué\n\nThe sides agreed on rail."


@pytest.mark.parametrize(
    ("data", "name", "file_format", "text"),
    [
        (b"Note verbale no. 12\r\nThe Embassy presents its compliments.", "n.txt", "txt", None),
        (
            b"<!DOCTYPE html><html><body><h1>Programme</h1><p>Day one: talks.</p></body></html>",
            "p.html",
            "html",
            "Programme\n\nDay one: talks.",
        ),
        # Judged by content, not by name: a PDF called .txt is a PDF.
        (pdf_with_text("Ratified on 3 March"), "scan.txt", "pdf", "Ratified on 3 March"),
        ("Протокол о сотрудничестве".encode(), "ru.txt", "txt", None),
    ],
)
def test_the_format_is_found_from_the_content(db, data, name, file_format, text):
    document = attach(make_instrument(), data, name)

    assert (document.file_format, document.extraction) == (file_format, "extracted")
    assert document.text == (text if text is not None else data.decode().strip())


def test_a_damaged_pdf_is_kept_with_the_reason_its_text_was_not_read(db, documents_storage):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 4

    document = attach(make_instrument(), data)

    assert document.extraction == "not_extracted"
    assert document.extraction_note.startswith("The file it could not be read as a PDF file (")
    assert document.text == ""
    assert documents_storage.open(document.file.name).read() == data


def test_a_pdf_without_a_text_layer_is_kept_and_says_so(db):
    document = attach(make_instrument(), pdf_without_text())

    assert (document.extraction, document.extraction_note) == (
        "not_extracted",
        "The PDF has no text layer (a scanned image?); Bilateral does not read images.",
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.pdf", "“empty.pdf” is empty."),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "photo.pdf",
            "“photo.pdf” is not a PDF, Word (.docx), HTML or plain-text file (judged by its "
            "content, not its name).",
        ),
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
            "setup.docx",
            "“setup.docx” is not a PDF, Word (.docx), HTML or plain-text file (judged by its "
            "content, not its name).",
        ),
        (
            xlsx(),
            "register.docx",
            "“register.docx” is not a PDF, Word (.docx), HTML or plain-text file (judged by its "
            "content, not its name).",
        ),
        (
            b"x" * 2_000_001,
            "huge.txt",
            "“huge.txt” is 2.0 MB; documents may be up to 2 MB.",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_written(
    api_as, settings, documents_storage, data, name, message
):
    settings.DOCUMENT_MAX_BYTES = 2_000_000
    instrument = make_instrument()
    changes_before = Change.objects.count()

    response = upload(api_as("analyst"), data, name, instrument=instrument.pk)

    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert Document.objects.count() == 0
    assert Change.objects.count() == changes_before
    assert documents_storage.listdir("")[1] == []


@pytest.mark.parametrize("owners", ["both", "neither"])
def test_a_document_belongs_to_one_instrument_or_one_meeting(api_as, documents_storage, owners):
    fields = (
        {"instrument": make_instrument().pk, "meeting": MeetingFactory().pk}
        if owners == "both"
        else {}
    )

    response = upload(api_as("analyst"), b"Some text.", "a.txt", **fields)

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["A document belongs to one instrument or one meeting."]
    }
    assert Document.objects.count() == 0
    assert documents_storage.listdir("")[1] == []


def test_a_file_name_with_a_folder_keeps_only_its_own_name(db):
    document = attach(make_instrument(), b"text", name="..\\..\\C:\\secret\\treaty.txt")

    assert document.original_name == "treaty.txt"


# --- Search ------------------------------------------------------------------------------------


def test_search_finds_an_instrument_by_a_phrase_of_its_pdf_and_shows_the_passage(client_as):
    instrument = make_instrument(title="Memorandum on water")
    make_instrument(title="Memorandum on rail")
    attach(instrument, pdf_with_text(*PDF_LINES))

    page = client_as("consumer").get("/search/", {"q": f'"{PHRASE}"'}).content.decode()

    assert f'href="/instruments/{instrument.pk}/"' in page
    assert "Memorandum on rail" not in page
    assert "Parties shall cooperate on <mark>desalination</mark> of <mark>seawater</mark>" in page


def test_search_finds_a_meeting_by_its_communique(client_as):
    meeting = MeetingFactory(title="Political consultations")
    attach(meeting, docx_with_text("The sides discussed irrigation of cotton fields."))

    page = client_as("manager").get("/search/", {"q": "irrigation"}).content.decode()

    assert f'href="/meetings/{meeting.pk}/"' in page
    assert "discussed <mark>irrigation</mark> of cotton" in page


def test_a_passage_cannot_inject_markup(client_as):
    instrument = make_instrument()
    attach(instrument, b"<script>alert(1)</script> Quotas 5 & 'x' on irrigation", "a.txt")

    page = client_as("consumer").get("/search/", {"q": "irrigation"}).content.decode()

    # ts_headline drops what looks like a tag; the rest is escaped before the marks go in.
    assert "Quotas 5 &amp; &#x27;x&#x27; on <mark>irrigation</mark>" in page
    assert "<script>alert" not in page


def test_api_instrument_search_includes_document_text(api_as):
    instrument = make_instrument(title="Memorandum on water")
    make_instrument(title="Memorandum on rail")
    attach(instrument, pdf_with_text(*PDF_LINES))

    found = api_as("consumer").get("/api/v1/instruments/", {"q": f'"{PHRASE}"'}).json()

    assert [row["id"] for row in found["results"]] == [instrument.pk]


def test_api_document_search_gives_the_passage(api_as):
    instrument = make_instrument()
    attach(instrument, pdf_with_text(*PDF_LINES))
    attach(instrument, b"Nothing about water here.", "b.txt")

    found = api_as("consumer").get("/api/v1/documents/", {"q": "seawater"}).json()

    assert [(row["original_name"], row["passage"]) for row in found["results"]] == [
        (
            "text.pdf",
            "Agreement between the Parties on water\nArticle 3. The Parties shall cooperate on "
            "desalination of \x02seawater\x03\nand on the reuse of treated water in agriculture",
        )
    ]


# --- Download and access -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["analyst", "manager", "consumer"])
def test_every_role_downloads_from_the_page_and_the_api(client_as, api_as, role):
    data = pdf_with_text(*PDF_LINES)
    document = attach(make_instrument(), data, "Agreement (signed).pdf")

    page, api = client_as(role), api_as(role)
    # One after the other: the in-memory storage hands every reader the same file object.
    for get in (
        lambda: page.get(f"/documents/{document.pk}/file/"),
        lambda: api.get(f"/api/v1/documents/{document.pk}/download/"),
    ):
        response = get()
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="Agreement (signed).pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"


def test_an_html_document_is_downloaded_never_shown(client_as):
    document = attach(make_instrument(), b"<html><body><script>x()</script></body></html>", "a.htm")

    response = client_as("consumer").get(f"/documents/{document.pk}/file/")

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "text/html"


def test_anonymous_cannot_download(client, api_as):
    document = attach(make_instrument(), b"Confidential note.", "n.txt")

    page = client.get(f"/documents/{document.pk}/file/")
    api = api_as(None).get(f"/api/v1/documents/{document.pk}/download/")

    assert (page.status_code, page["Location"].split("?")[0]) == (302, "/admin/login/")
    assert api.status_code == 401


@pytest.mark.parametrize("role", ["manager", "consumer"])
def test_only_analysts_upload_and_delete(api_as, documents_storage, role):
    instrument = make_instrument()
    document = attach(instrument, b"Kept.", "k.txt")
    api = api_as(role)

    uploaded = upload(api, b"New.", "n.txt", instrument=instrument.pk)
    deleted = api.delete(f"/api/v1/documents/{document.pk}/")

    assert (uploaded.status_code, deleted.status_code) == (403, 403)
    assert list(Document.objects.values_list("pk", flat=True)) == [document.pk]
    assert documents_storage.listdir("")[0] != []


def test_analyst_deletes_a_document_and_its_file_leaves_the_storage(
    api_as, documents_storage, django_capture_on_commit_callbacks
):
    document = attach(make_instrument(), b"Superseded.", "s.txt")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("analyst").delete(f"/api/v1/documents/{document.pk}/")

    assert response.status_code == 204
    assert not Document.objects.exists()
    assert not documents_storage.exists(document.file.name)


def test_a_document_goes_with_its_instrument(
    db, documents_storage, django_capture_on_commit_callbacks
):
    instrument = make_instrument()
    document = attach(instrument, b"Text.", "t.txt")

    with django_capture_on_commit_callbacks(execute=True):
        instrument.delete()

    assert not documents_storage.exists(document.file.name)


def test_analyst_changes_what_is_said_about_a_document(api_as):
    document = attach(make_instrument(), b"Text.", "t.txt", kind="other")

    response = api_as("analyst").patch(
        f"/api/v1/documents/{document.pk}/",
        {"kind": "translation", "language": "ru", "is_authentic": True},
        format="json",
    )

    assert response.status_code == 200, response.content
    document.refresh_from_db()
    assert (document.kind, document.language, document.is_authentic) == ("translation", "ru", True)


def test_documents_list_and_csv(api_as, django_assert_num_queries):
    instrument = make_instrument()
    for name in ("a.txt", "b.txt", "c.txt"):
        attach(instrument, b"Text.", name)
    api = api_as("consumer")

    # The request's savepoint and its release; the token with its user; the user's and the
    # groups' permissions; the data version (for the ETag and the kept answer); the count; the
    # page with the uploaders.
    with django_assert_num_queries(8):
        listed = api.get("/api/v1/documents/", {"instrument": instrument.pk})
    csv = b"".join(api.get("/api/v1/documents/", {"format": "csv"}).streaming_content).decode()

    assert [row["original_name"] for row in listed.json()["results"]] == ["a.txt", "b.txt", "c.txt"]
    assert csv.splitlines()[0].startswith("id,instrument,meeting,kind,language,is_authentic,")
    assert len(csv.splitlines()) == 4


# --- The pages and the admin -------------------------------------------------------------------


def test_instrument_and_meeting_pages_list_their_documents(client_as):
    instrument = make_instrument()
    meeting = MeetingFactory()
    text = attach(instrument, pdf_with_text(*PDF_LINES), "Signed text.pdf", kind="signed_text")
    scan = attach(instrument, pdf_without_text(), "Scan.pdf", kind="ratification")
    communique = attach(meeting, b"Communique.", "communique.txt", kind="communique")
    client = client_as("consumer")

    instrument_page = client.get(f"/instruments/{instrument.pk}/").content.decode()
    meeting_page = client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert f'<a href="/documents/{text.pk}/file/" download>Signed text.pdf</a>' in instrument_page
    assert f'<a href="/documents/{scan.pk}/file/" download>Scan.pdf</a>' in instrument_page
    assert "Text not extracted: The PDF has no text layer" in instrument_page
    assert "(attach one in the admin)" not in instrument_page
    assert f'<a href="/documents/{communique.pk}/file/" download>communique.txt</a>' in meeting_page


def _admin_meeting_form(meeting, **documents):
    """The meeting's change form as the admin posts it, with the documents inline."""
    data = {
        "title": meeting.title,
        "kind": meeting.kind,
        "status": meeting.status,
        "starts_on": meeting.starts_on.isoformat(),
        "summary": "",
        "place": "",
        "round_number": "",
        "states": ["KZ", "IL"],
        "instruments-TOTAL_FORMS": "0",
        "instruments-INITIAL_FORMS": "0",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "_continue": "Save",
    }
    data.update({f"documents-0-{key}": value for key, value in documents.items()})
    return data


def test_analyst_attaches_a_document_in_the_admin(client_as, documents_storage):
    meeting = MeetingFactory()
    form = _admin_meeting_form(
        meeting,
        file=SimpleUploadedFile("programme.docx", docx_with_text("Programme of the visit")),
        kind="programme",
        language="en",
    )

    response = client_as("analyst").post(f"/admin/agreements/meeting/{meeting.pk}/change/", form)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    document = meeting.documents.get()
    assert (document.kind, document.file_format, document.text, document.original_name) == (
        "programme",
        "docx",
        "Programme of the visit",
        "programme.docx",
    )
    assert document.uploaded_by.groups.get().name == "analyst"


def test_admin_refuses_a_wrong_file_on_its_row_and_writes_nothing(client_as, documents_storage):
    meeting = MeetingFactory()
    form = _admin_meeting_form(
        meeting, file=SimpleUploadedFile("programme.pdf", b"\x00\x01binary"), language="en"
    )

    response = client_as("analyst").post(f"/admin/agreements/meeting/{meeting.pk}/change/", form)

    assert response.status_code == 200
    assert "is not a PDF, Word (.docx), HTML or plain-text file" in response.content.decode()
    assert not Document.objects.exists()
    assert documents_storage.listdir("")[1] == []


def test_admin_shows_the_extraction_status(client_as):
    meeting = MeetingFactory()
    attach(meeting, pdf_without_text(), "scan.pdf")

    page = client_as("manager").get(f"/admin/agreements/meeting/{meeting.pk}/change/")

    assert "Text not extracted: The PDF has no text layer" in page.content.decode()


# --- Feed, audit trail, export -----------------------------------------------------------------


def test_the_changes_feed_and_the_audit_trail_know_documents(api_as):
    instrument = make_instrument()
    api = api_as("analyst")
    created = upload(api, b"Note.", "n.txt", instrument=instrument.pk).json()
    api.delete(f"/api/v1/documents/{created['id']}/")

    # The API's feed shows only finished transactions; the test's own is still open.
    feed = list(Change.objects.filter(object_type="document").values_list("object_id", "action"))
    audit = api.get(f"/api/v1/documents/{created['id']}/audit/").json()
    instrument_audit = api.get(f"/api/v1/instruments/{instrument.pk}/audit/").json()

    assert feed == [(str(created["id"]), "create"), (str(created["id"]), "delete")]
    assert [(event["action"], event["user"]) for event in audit] == [
        ("insert", created["uploaded_by"]),
        ("delete", created["uploaded_by"]),
    ]
    assert "text" not in audit[0]["data"]  # the text is read from the file, not kept twice
    assert [e["action"] for e in instrument_audit if e["object_type"] == "document"] == [
        "insert",
        "delete",
    ]


def test_export_and_import_round_trip_documents_with_their_files(db, tmp_path, documents_storage):
    instrument = make_instrument()
    data = pdf_with_text(*PDF_LINES)
    document = attach(instrument, data)
    out = io.StringIO()
    call_command("export_data", stdout=out, stderr=io.StringIO())
    dump = out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE agreements_instrument, agreements_meeting, auth_user CASCADE")
    documents_storage.delete(document.file.name)
    path = tmp_path / "dump.json"
    path.write_text(dump, encoding="utf-8")

    call_command("import_data", str(path), stdout=io.StringIO())

    restored = Document.objects.get()
    assert (restored.pk, restored.file.name, restored.sha256) == (
        document.pk,
        document.file.name,
        document.sha256,
    )
    assert documents_storage.open(restored.file.name).read() == data
    assert Document.objects.filter(search_vector=PHRASE.split()[0]).count() == 1
    again = io.StringIO()
    call_command("export_data", stdout=again, stderr=io.StringIO())
    assert again.getvalue() == dump
    assert json.loads(dump)["files"] == {
        document.file.name: __import__("base64").b64encode(data).decode()
    }


# --- Storage settings --------------------------------------------------------------------------


def test_the_folder_backend_of_the_settings_keeps_the_file_on_disk(
    tmp_path, client_as, documents_storage
):
    """The real backend: STORAGES["documents"] as settings.py builds it, in a temporary folder."""
    config = settings.STORAGES["documents"]
    assert config["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert config["OPTIONS"]["location"] == Path(settings.MEDIA_ROOT) / "documents"
    folder = storages.create_storage(
        {**config, "OPTIONS": {**config["OPTIONS"], "location": tmp_path}}
    )
    field = Document._meta.get_field("file")
    field.storage = folder  # the autouse fixture puts the in-memory storage back afterwards
    data = pdf_with_text(*PDF_LINES)

    document = attach(make_instrument(), data)
    downloaded = client_as("consumer").get(f"/documents/{document.pk}/file/")

    assert isinstance(folder, FileSystemStorage)
    on_disk = tmp_path / document.file.name
    assert on_disk.read_bytes() == data
    assert oct(on_disk.stat().st_mode & 0o777) == "0o640"
    assert b"".join(downloaded.streaming_content) == data


def test_s3_settings_come_from_the_environment():
    """Only the wiring: the settings build django-storages' S3 backend from the environment (no
    S3 service is contacted; constructing the backend does not connect)."""
    script = (
        "import django, json; django.setup(); "
        "from django.conf import settings; from django.core.files.storage import storages; "
        "s = storages['documents']; "
        "print(json.dumps([type(s).__module__ + '.' + type(s).__name__, s.bucket_name, "
        "s.endpoint_url, s.location, s.default_acl, s.file_overwrite, s.access_key]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bilateral.settings",
        "DOCUMENTS_S3_BUCKET": "treaties",
        "DOCUMENTS_S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "DOCUMENTS_S3_ACCESS_KEY_ID": "key-id",
        "DOCUMENTS_S3_SECRET_ACCESS_KEY": "secret",
    }

    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "storages.backends.s3.S3Storage",
        "treaties",
        "http://127.0.0.1:9",
        "documents",
        "private",
        False,
        "key-id",
    ]
