"""Importing a ministry's register of instruments (CSV and Excel): preview, problems in words,
all or nothing, idempotent re-import, updates by reference, history dated from the columns, the
audit trail, and the export that round-trips."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from agreements.models import Instrument, StatusChange
from agreements.register.export import register_rows, register_xlsx
from agreements.register.files import FileRefused
from agreements.register.instruments import COLUMNS
from tests.factories import make_instrument
from tests.register_files import run, write

pytestmark = pytest.mark.django_db

HEADER = "reference,title,kind,parties,status,proposed_on,signed_on,in_force_on,sectors,notes"
GOOD = [
    HEADER,
    'MFA-1,Agreement on visas,agreement,"Kazakhstan; Israel",in force,2024-01-10,2024-03-05,'
    "2024-06-01,,Visa-free travel",
    'MFA-2,Memorandum on water,memorandum,"KZ; IL",,2025-02-01,,,,',
]


def history(reference):
    return [
        (change.to_status, change.happened_on)
        for change in StatusChange.objects.effective()
        .in_world_order()
        .filter(instrument__reference=reference)
    ]


def test_preview_counts_rows_and_writes_nothing(tmp_path):
    outcome = run(write(tmp_path, GOOD), dry_run=True)

    assert (outcome.rows_read, outcome.new, outcome.changed, outcome.unchanged) == (2, 2, 0, 0)
    assert outcome.problems == []
    assert outcome.written is False
    assert Instrument.objects.count() == 0


def test_import_dates_the_history_from_the_columns(tmp_path):
    outcome = run(write(tmp_path, GOOD))

    assert outcome.written is True
    visas = Instrument.objects.get(reference="MFA-1")
    assert (visas.title, visas.status, visas.signed_on, visas.in_force_on) == (
        "Agreement on visas",
        "in_force",
        datetime.date(2024, 3, 5),
        datetime.date(2024, 6, 1),
    )
    assert sorted(visas.parties.values_list("state_id", flat=True)) == ["IL", "KZ"]
    assert history("MFA-1") == [
        ("proposed", datetime.date(2024, 1, 10)),
        ("signed", datetime.date(2024, 3, 5)),
        ("in_force", datetime.date(2024, 6, 1)),
    ]
    assert history("MFA-2") == [("proposed", datetime.date(2025, 2, 1))]


def test_imported_instrument_status_as_of_a_past_day(tmp_path, api_as):
    run(write(tmp_path, GOOD))
    visas = Instrument.objects.get(reference="MFA-1")

    response = api_as("consumer").get(f"/api/v1/instruments/{visas.pk}/", {"as_of": "2024-04-01"})

    assert response.status_code == 200
    assert response.json()["status"] == "signed"


def test_reimport_of_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    run(path)
    changes_before = StatusChange.objects.count()

    outcome = run(path)

    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 0, 2)
    assert Instrument.objects.count() == 2
    assert StatusChange.objects.count() == changes_before


def test_edited_file_updates_rows_by_reference(tmp_path):
    run(write(tmp_path, GOOD))
    edited = [
        HEADER,
        # The signature was on another day: the history is corrected, not duplicated.
        'MFA-1,Agreement on visa-free travel,agreement,"KZ; IL",,2024-01-10,2024-03-07,'
        "2024-06-01,,Visa-free travel",
        GOOD[2],
    ]

    outcome = run(write(tmp_path, edited, "edited.csv"))

    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 1, 1)
    visas = Instrument.objects.get(reference="MFA-1")
    assert (visas.title, visas.signed_on) == (
        "Agreement on visa-free travel",
        datetime.date(2024, 3, 7),
    )
    assert history("MFA-1") == [
        ("proposed", datetime.date(2024, 1, 10)),
        ("signed", datetime.date(2024, 3, 7)),
        ("in_force", datetime.date(2024, 6, 1)),
    ]
    retracted = StatusChange.objects.filter(retracted_at__isnull=False).order_by("happened_on")
    assert [(c.to_status, c.retraction_reason) for c in retracted] == [
        ("signed", "The register edited.csv says otherwise."),
        ("in_force", "The register edited.csv says otherwise."),
    ]
    assert Instrument.objects.count() == 2


def test_misspelt_state_is_reported_with_a_suggestion_and_nothing_is_written(tmp_path):
    lines = [*GOOD, 'MFA-3,Protocol,protocol,"Kazakstan; Israel",,2024-01-01,,,,']

    outcome = run(write(tmp_path, lines))

    assert [str(problem) for problem in outcome.problems] == [
        "row 4, parties: 'Kazakstan' is not a state — did you mean Kazakhstan?"
    ]
    assert outcome.written is False
    assert Instrument.objects.count() == 0


def test_every_problem_is_named_by_row_and_column(tmp_path):
    lines = [
        HEADER,
        'A,Treaty,treaty,"KZ; IL",,2024-13-01,,,,',
        'B,Treaty,novel,"KZ; IL",,2024-01-01,,2024-05-01,,',
        'C,Treaty,treaty,"KZ; IL",signed,2024-01-01,,,,',
        'D,Treaty,treaty,"KZ; IL",,2024-05-01,2024-02-01,,Space travel,',
        'A,Treaty,treaty,"KZ; IL",,2024-01-01,,,,',
    ]

    outcome = run(write(tmp_path, lines))

    assert [str(problem) for problem in outcome.problems] == [
        "row 2, proposed_on: '2024-13-01' cannot be read as a date; write it as 2026-01-27 or "
        "27.01.2026.",
        "row 2, proposed_on: give at least the date the intent was stated.",
        "row 3, kind: 'novel' is not one of: treaty, agreement, convention, protocol, memorandum "
        "of understanding, exchange of notes, joint statement, declaration or statement of "
        "intent, programme or roadmap, commercial agreement, other.",
        "row 3, in_force_on: an instrument that is proposed cannot become in force; give "
        "signed_on too.",
        "row 4, status: 'signed' needs the date it was reached, in signed_on.",
        "row 5, sectors: 'Space travel' is not a sector",
        "row 5, signed_on: 1 February 2024 is before proposed_on (1 May 2024).",
        "row 6, reference: 'A' is also the reference of row 2.",
    ]
    assert Instrument.objects.count() == 0


def test_a_future_date_is_refused(tmp_path):
    lines = [HEADER, 'A,Treaty,treaty,"KZ; IL",,2099-01-01,,,,']

    outcome = run(write(tmp_path, lines))

    assert [str(problem) for problem in outcome.problems] == [
        "row 2, proposed_on: 1 January 2099 is in the future."
    ]


def test_wrong_columns_are_refused_in_words(tmp_path):
    path = write(tmp_path, ["reference,titel,kind", "A,Treaty,treaty"])

    with pytest.raises(FileRefused) as refused:
        run(path)

    assert str(refused.value) == (
        "The first row must name the columns of a register of instruments (see docs/import.md): "
        "'titel' is not a column of the register (did you mean 'title'?); the required "
        "column(s) title, parties are missing."
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.4\x00\x01binary", "This is not a CSV file or an Excel workbook (.xlsx)."),
        (b"PK\x03\x04not really a zip", "This is a ZIP archive, not an Excel workbook"),
        ("reference;title\n".encode("utf-16"), "This is not a CSV file or an Excel workbook"),
    ],
)
def test_a_file_that_is_not_a_register_is_refused(tmp_path, content, message):
    path = tmp_path / "register.csv"
    path.write_bytes(content)

    with pytest.raises(FileRefused) as refused:
        run(path)

    assert str(refused.value).startswith(message)


def test_a_file_over_the_limit_is_refused(tmp_path, settings):
    settings.REGISTER_IMPORT_MAX_BYTES = 100
    path = write(tmp_path, GOOD)

    with pytest.raises(FileRefused) as refused:
        run(path)

    assert str(refused.value) == (
        "The file is 0.0 MB; the limit is 0 MB. Split it into several files."
    )


def test_excel_register_reads_dates_and_semicolon_lists(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Reference", "Title", "Kind", "Parties", "Proposed on", "Signed on"])
    sheet.append(
        [
            "X-1",
            "Agreement",
            "Agreement",
            "Kazakhstan; Israel",
            datetime.date(2023, 5, 2),
            datetime.datetime(2023, 9, 1),
        ]
    )
    path = tmp_path / "register.xlsx"
    workbook.save(path)

    outcome = run(path)

    assert outcome.problems == []
    assert history("X-1") == [
        ("proposed", datetime.date(2023, 5, 2)),
        ("signed", datetime.date(2023, 9, 1)),
    ]


def test_semicolon_separated_csv_is_read(tmp_path):
    lines = ["reference;title;kind;parties;proposed_on", 'S-1;Treaty;treaty;"KZ; IL";27.01.2026']

    outcome = run(write(tmp_path, lines))

    assert outcome.problems == []
    assert history("S-1") == [("proposed", datetime.date(2026, 1, 27))]


def test_audit_trail_names_the_import_and_its_file(tmp_path):
    from agreements.audit_events import events_of

    run(write(tmp_path, GOOD))
    visas = Instrument.objects.get(reference="MFA-1")

    events = events_of(Instrument, visas.pk)

    assert {event["import_file"] for event in events} == {"register.csv"}


def test_export_then_import_into_an_empty_database_round_trips(tmp_path):
    make_instrument(title="Treaty on rivers", reference="R-1", notes="Shared basins")
    make_instrument(title="Memorandum without reference", kind="memorandum")
    exported = [COLUMNS, *register_rows()]
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(exported)
    Instrument.objects.all().delete()

    outcome = run(path)

    assert (outcome.new, outcome.problems) == (2, [])
    assert [COLUMNS, *register_rows()] == exported
    assert run(path).unchanged == 2


def test_export_as_excel_reads_back(tmp_path):
    make_instrument(title="Treaty on rivers", reference="R-1")
    path = tmp_path / "export.xlsx"
    path.write_bytes(register_xlsx())

    outcome = run(path)

    assert (outcome.unchanged, outcome.problems) == (1, [])


def test_command_dry_run_writes_nothing(tmp_path):
    out = io.StringIO()

    call_command(
        "import_register", str(write(tmp_path, GOOD)), "--dry-run", stdout=out, stderr=io.StringIO()
    )

    assert out.getvalue() == (
        "register.csv: read 2 rows of instruments; would add 2, change 0, left 0 alone.\n"
    )
    assert Instrument.objects.count() == 0


def test_command_refuses_a_file_with_problems(tmp_path):
    lines = [*GOOD, 'MFA-3,Protocol,protocol,"Kazakstan; Israel",,2024-01-01,,,,']
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command(
            "import_register", str(write(tmp_path, lines)), stdout=out, stderr=io.StringIO()
        )

    assert out.getvalue() == (
        "row 4, parties: 'Kazakstan' is not a state — did you mean Kazakhstan?\n"
    )
    assert str(refused.value) == (
        "register.csv: read 3 rows of instruments; would add 2, change 0, left 0 alone; 1 problem. "
        "Nothing was written."
    )


# --- The admin's Import and Export ------------------------------------------------------------


def upload(client, content: str, name="register.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/admin/agreements/instrument/import/",
        {"file": SimpleUploadedFile(name, content.encode())},
    )


def test_admin_import_previews_then_imports_on_confirmation(client_as):
    analyst = client_as("analyst")

    preview = upload(analyst, "\n".join(GOOD))

    assert preview.status_code == 200
    assert preview.context["outcome"].summary == (
        "register.csv: read 2 rows of instruments; would add 2, change 0, left 0 alone."
    )
    assert Instrument.objects.count() == 0

    confirmed = analyst.post("/admin/agreements/instrument/import/", {"confirm": "1"})

    assert confirmed.status_code == 302
    assert sorted(Instrument.objects.values_list("reference", flat=True)) == ["MFA-1", "MFA-2"]
    assert {change.recorded_by.groups.get().name for change in StatusChange.objects.all()} == {
        "analyst"
    }


def test_admin_imports_an_excel_workbook(client_as):
    # The admin holds an upload under a name of its own between preview and import; the workbook
    # must still be read (openpyxl, given a path, refuses any name not ending in .xlsx).
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = Workbook()
    workbook.active.append(["Reference", "Title", "Kind", "Parties", "Proposed on"])
    workbook.active.append(["X-1", "Agreement", "Agreement", "Kazakhstan; Israel", "2023-05-02"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    analyst = client_as("analyst")

    preview = analyst.post(
        "/admin/agreements/instrument/import/",
        {"file": SimpleUploadedFile("register.xlsx", buffer.getvalue())},
    )
    assert preview.context["outcome"].problems == []
    confirmed = analyst.post("/admin/agreements/instrument/import/", {"confirm": "1"})

    assert confirmed.status_code == 302
    assert history("X-1") == [("proposed", datetime.date(2023, 5, 2))]


def test_admin_import_shows_problems_and_offers_no_confirmation(client_as):
    response = upload(
        client_as("analyst"), "\n".join([*GOOD, 'X,T,treaty,"Kazakstan; IL",,2024-01-01,,,,'])
    )

    assert [str(problem) for problem in response.context["outcome"].problems] == [
        "row 4, parties: 'Kazakstan' is not a state — did you mean Kazakhstan?"
    ]
    assert 'name="confirm"' not in response.content.decode()


def test_admin_import_refuses_a_file_that_is_not_a_register(client_as):
    response = upload(client_as("analyst"), "%PDF-1.4\x00binary", name="register.csv")

    assert response.status_code == 200
    assert response.context["refusal"] == (
        "register.csv: This is not a CSV file or an Excel workbook (.xlsx). Older Excel files "
        "(.xls) must be saved as .xlsx or CSV first."
    )


def test_admin_import_refuses_a_file_over_the_limit(client_as, settings):
    settings.REGISTER_IMPORT_MAX_BYTES = 10

    response = upload(client_as("analyst"), "\n".join(GOOD))

    assert response.context["form"].errors == {
        "file": ["The file is 0.0 MB; the limit is 0 MB. Split it into several files."]
    }


def test_admin_confirmation_without_a_preview_asks_for_the_file_again(client_as):
    response = client_as("analyst").post("/admin/agreements/instrument/import/", {"confirm": "1"})

    assert response.status_code == 302
    assert Instrument.objects.count() == 0


@pytest.mark.parametrize("role", ["manager", "consumer"])
def test_admin_import_is_refused_to_those_who_only_read(client_as, role):
    response = upload(client_as(role), "\n".join(GOOD))

    assert response.status_code == 403
    assert Instrument.objects.count() == 0


def test_admin_export_is_the_register_layout(client_as):
    make_instrument(title="Treaty on rivers", reference="R-1")

    response = client_as("consumer").get("/admin/agreements/instrument/export/")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1].startswith("R-1,Treaty on rivers,,agreement,yes,government,IL; KZ,proposed,")


def test_admin_export_as_excel(client_as):
    make_instrument(title="Treaty on rivers", reference="R-1")

    response = client_as("consumer").get("/admin/agreements/instrument/export/?format=xlsx")

    assert response.content[:4] == b"PK\x03\x04"


@pytest.mark.parametrize("name", ["instruments-template.csv", "instruments-template.xlsx"])
def test_the_documented_templates_import_cleanly(name, settings):
    from pathlib import Path

    outcome = run(Path(settings.BASE_DIR) / "docs" / "import" / name, dry_run=True)

    assert (outcome.new, outcome.problems) == (2, [])


def test_bulk_creation_refuses_a_history_the_status_map_does_not_allow():
    from django.core.exceptions import ValidationError

    from agreements.services import instruments_create_in_bulk
    from tests.factories import state

    with pytest.raises(ValidationError) as refused:
        instruments_create_in_bulk(
            instruments=[
                {
                    "fields": {"title": "Treaty", "kind": "treaty", "reference": "T"},
                    "parties": [state("KZ"), state("IL")],
                    "sectors": [],
                    "sources": [],
                    "steps": [
                        ("proposed", datetime.date(2024, 1, 1), ""),
                        ("in_force", datetime.date(2024, 2, 1), ""),
                    ],
                }
            ]
        )

    assert refused.value.messages == ["An instrument that is proposed cannot become in force."]
    assert Instrument.objects.count() == 0


@pytest.mark.parametrize(("role", "offered"), [("analyst", True), ("manager", False)])
def test_instrument_list_offers_import_to_analysts_only(client_as, role, offered):
    page = client_as(role).get("/admin/agreements/instrument/").content.decode()

    assert ('href="/admin/agreements/instrument/import/"' in page) is offered
    assert 'href="/admin/agreements/instrument/export/"' in page


def test_edited_file_updates_parties_sectors_and_sources(tmp_path):
    header = "reference,title,kind,parties,proposed_on,sectors,sources"
    run(write(tmp_path, [header, 'P-1,Treaty,treaty,"KZ; IL",2024-01-01,,']))
    edited = [
        header,
        'P-1,Treaty,treaty,"KZ; UZ",2024-01-01,"Water-resource management; public-diplomacy",'
        '"https://example.org/a; Minutes of the commission"',
    ]

    outcome = run(write(tmp_path, edited, "edited.csv"))

    assert (outcome.changed, outcome.problems) == (1, [])
    treaty = Instrument.objects.get(reference="P-1")
    assert sorted(treaty.parties.values_list("state_id", flat=True)) == ["KZ", "UZ"]
    assert sorted(treaty.sectors.values_list("slug", flat=True)) == [
        "public-diplomacy",
        "water-resource-management",
    ]
    assert sorted(treaty.sources.values_list("title", "url")) == [
        ("Minutes of the commission", ""),
        ("https://example.org/a", "https://example.org/a"),
    ]
    assert run(write(tmp_path, edited, "edited.csv")).unchanged == 1


def test_exported_instrument_without_reference_is_updated_not_duplicated(tmp_path):
    treaty = make_instrument(title="Treaty on rivers")
    exported = [COLUMNS, *register_rows()]
    exported[1][COLUMNS.index("title")] = "Treaty on shared rivers"
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(exported)

    outcome = run(path)

    assert (outcome.new, outcome.changed) == (0, 1)
    treaty.refresh_from_db()
    assert (treaty.title, treaty.reference) == ("Treaty on shared rivers", "")
    assert Instrument.objects.count() == 1


def test_terminated_instrument_keeps_how_it_ended(tmp_path):
    lines = [
        "reference,title,kind,parties,proposed_on,signed_on,in_force_on,terminated_on,"
        "termination_type",
        'T-1,Treaty,treaty,"KZ; IL",2010-01-01,2010-02-01,2010-03-01,2020-03-01,Expired',
    ]

    outcome = run(write(tmp_path, lines))

    assert outcome.problems == []
    ending = StatusChange.objects.get(instrument__reference="T-1", to_status="terminated")
    assert (ending.happened_on, ending.termination_type) == (datetime.date(2020, 3, 1), "expired")


def test_command_shows_its_progress(tmp_path):
    err = io.StringIO()

    call_command("import_register", str(write(tmp_path, GOOD)), stdout=io.StringIO(), stderr=err)

    assert err.getvalue() == "\r2 of 2 rows\n"


def test_a_title_too_long_is_reported_on_its_row(tmp_path):
    lines = [HEADER, f'A,{"T" * 501},treaty,"KZ; IL",,2024-01-01,,,,']

    outcome = run(write(tmp_path, lines))

    assert [str(problem) for problem in outcome.problems] == [
        "row 2, title: has 501 characters; at most 500 fit."
    ]


def test_edited_intent_date_replaces_the_first_entry(tmp_path):
    run(write(tmp_path, GOOD))
    edited = [HEADER, GOOD[1], GOOD[2].replace("2025-02-01", "2025-01-20")]

    outcome = run(write(tmp_path, edited, "edited.csv"))

    assert (outcome.changed, outcome.problems) == (1, [])
    assert history("MFA-2") == [("proposed", datetime.date(2025, 1, 20))]
    replaced = StatusChange.objects.get(instrument__reference="MFA-2", retracted_at__isnull=False)
    assert (replaced.happened_on, replaced.corrections.get().happened_on) == (
        datetime.date(2025, 2, 1),
        datetime.date(2025, 1, 20),
    )


def test_rows_without_reference_are_each_told_to_give_one(tmp_path):
    lines = [
        HEADER,
        ',Treaty,treaty,"KZ; IL",,2024-01-01,,,,',
        ',Pact,treaty,"KZ; IL",,2024-01-01,,,,',
    ]

    outcome = run(write(tmp_path, lines))

    assert [str(problem) for problem in outcome.problems] == [
        "row 2, reference: is empty; every row needs it.",
        "row 3, reference: is empty; every row needs it.",
    ]


# --- The reference in the API -----------------------------------------------------------------


def test_api_shows_and_refuses_a_second_instrument_with_the_same_reference(tmp_path, api_as):
    run(write(tmp_path, GOOD))
    analyst = api_as("analyst")

    listed = analyst.get("/api/v1/instruments/", {"ordering": "title"}).json()["results"]
    refused = analyst.post(
        "/api/v1/instruments/",
        {"reference": "MFA-1", "title": "Another", "kind": "treaty", "parties": ["KZ", "IL"]},
        format="json",
    )

    assert [item["reference"] for item in listed] == ["MFA-1", "MFA-2"]
    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": ["Another instrument already has this reference."]
    }
