"""Importing registers of organizations, people, meetings and follow-ups: the kind told from the
columns, preview, problems by row and column with suggestions, all or nothing, idempotent
re-import, updates by reference, references across files, the admin's Import and Export, and the
export that round-trips. Also: formulas neutralised in the CSV export and read back."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from agreements.models import (
    ActionUpdate,
    FollowUpAction,
    Instrument,
    Meeting,
    Organization,
    Person,
)
from agreements.register.export import register_csv_lines, register_xlsx
from agreements.register.files import FileRefused
from agreements.register.kinds import KINDS
from tests.factories import make_instrument
from tests.register_files import run, write

pytestmark = pytest.mark.django_db

ORGANIZATIONS = [
    "reference,name,state,kind",
    "ORG-1,Ministry of Foreign Affairs,Kazakhstan,ministry",
    "ORG-2,Ministry of Foreign Affairs,IL,Ministry",
    "ORG-3,Investment agency,KZ,agency",
]
PEOPLE = [
    "reference,name,position,organization,email",
    "P-1,Aigerim Sample,Director,ORG-1,aigerim@example.org",
    "P-2,Noa Example,Deputy director,Investment agency,",
]
MEETINGS = [
    "reference,title,kind,status,starts_on,ends_on,place,host,states,people,organizations,"
    "instruments,sectors,summary",
    "M-1,Political consultations,political consultations,held,2026-01-27,2026-01-28,Astana,KZ,"
    '"Kazakhstan; Israel","P-1; P-2",ORG-1,MFA-1,Water-resource management,Round 12',
    'M-2,Joint commission,joint_commission,proposed,,,,,"KZ; IL",,,,,',
]
FOLLOW_UPS = [
    "reference,title,origin_meeting,origin_instrument,agreed_on,due_on,status,status_on,"
    "responsible_state,responsible_organization,responsible_contact",
    "F-1,Convene the commission,M-1,,2026-01-27,2026-12-31,in progress,2026-02-10,KZ,ORG-1,P-1",
    "F-2,Exchange draft texts,Political consultations (2026-01-27),,2026-01-27,,,,,,",
    "F-3,Report on the visa agreement,,MFA-1,2026-01-28,,,,IL,,",
]


def problems(outcome):
    return [str(problem) for problem in outcome.problems]


def import_all(tmp_path):
    """The whole register, each kind after those it names."""
    make_instrument(title="Agreement on visas", reference="MFA-1")
    for name, lines in [
        ("organizations.csv", ORGANIZATIONS),
        ("people.csv", PEOPLE),
        ("meetings.csv", MEETINGS),
        ("follow-ups.csv", FOLLOW_UPS),
    ]:
        outcome = run(write(tmp_path, lines, name))
        assert (problems(outcome), outcome.written) == ([], True), name


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (ORGANIZATIONS, "organizations"),
        (PEOPLE, "people"),
        (MEETINGS, "meetings"),
        (FOLLOW_UPS, "follow-ups"),
    ],
)
def test_the_kind_is_told_from_the_columns(tmp_path, lines, kind):
    make_instrument(title="Agreement on visas", reference="MFA-1")

    outcome = run(write(tmp_path, lines), dry_run=True)

    assert outcome.kind == kind


def test_preview_of_organizations_counts_and_writes_nothing(tmp_path):
    outcome = run(write(tmp_path, ORGANIZATIONS), dry_run=True)

    assert outcome.summary == (
        "register.csv: read 3 rows of organizations; would add 3, change 0, left 0 alone."
    )
    assert Organization.objects.filter(reference__startswith="ORG-").count() == 0


def test_whole_register_imports_with_its_references_resolved(tmp_path):
    import_all(tmp_path)

    person = Person.objects.get(reference="P-2")
    assert person.organization.reference == "ORG-3"
    meeting = Meeting.objects.get(reference="M-1")
    assert sorted(meeting.states.values_list("code", flat=True)) == ["IL", "KZ"]
    assert sorted(meeting.people.values_list("reference", flat=True)) == ["P-1", "P-2"]
    assert list(meeting.instruments.values_list("reference", flat=True)) == ["MFA-1"]
    assert (meeting.host_id, meeting.ends_on) == ("KZ", datetime.date(2026, 1, 28))
    by_title = FollowUpAction.objects.get(reference="F-2")
    assert by_title.origin_meeting == meeting
    convene = FollowUpAction.objects.get(reference="F-1")
    assert (convene.status, convene.responsible_contact.reference) == ("in_progress", "P-1")
    assert list(
        ActionUpdate.objects.filter(action=convene).values_list(
            "happened_on", "from_status", "to_status", "note"
        )
    ) == [(datetime.date(2026, 2, 10), "planned", "in_progress", "Imported from follow-ups.csv.")]


@pytest.mark.parametrize("kind", ["organizations", "people", "meetings", "follow-ups"])
def test_reimport_of_the_same_file_changes_nothing(tmp_path, kind):
    import_all(tmp_path)
    updates_before = ActionUpdate.objects.count()
    lines = {
        "organizations": ORGANIZATIONS,
        "people": PEOPLE,
        "meetings": MEETINGS,
        "follow-ups": FOLLOW_UPS,
    }[kind]

    outcome = run(write(tmp_path, lines, "again.csv"))

    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 0, len(lines) - 1)
    assert ActionUpdate.objects.count() == updates_before


def test_edited_files_update_by_reference(tmp_path):
    import_all(tmp_path)

    edited = [
        MEETINGS[0],
        MEETINGS[1].replace("Astana", "Almaty").replace('"P-1; P-2"', "P-1").replace("MFA-1", ""),
        MEETINGS[2],
    ]
    outcome = run(write(tmp_path, edited, "meetings.csv"))
    follow_up = [
        FOLLOW_UPS[0],
        FOLLOW_UPS[1].replace("in progress,2026-02-10", "completed,2026-03-01"),
    ]
    follow_outcome = run(write(tmp_path, follow_up, "follow-ups.csv"))

    assert (outcome.changed, outcome.unchanged, problems(outcome)) == (1, 1, [])
    meeting = Meeting.objects.get(reference="M-1")
    assert (meeting.place, list(meeting.people.values_list("reference", flat=True))) == (
        "Almaty",
        ["P-1"],
    )
    assert list(meeting.instruments.all()) == []
    assert Meeting.objects.count() == 2
    assert (follow_outcome.changed, problems(follow_outcome)) == (1, [])
    convene = FollowUpAction.objects.get(reference="F-1")
    assert convene.status == "completed"
    assert convene.updates.order_by("pk").last().happened_on == datetime.date(2026, 3, 1)


def test_problems_are_named_by_row_and_column_with_suggestions(tmp_path):
    import_all(tmp_path)
    lines = [
        MEETINGS[0],
        'M-3,Visit,offical visit,hled,2026-02-01,2026-01-01,,Kazakstan,"KZ; IL",P-9,,,,',
        'M-4,Call,call,held,,,,,"KZ",,,,,',
    ]

    outcome = run(write(tmp_path, lines, "meetings.csv"))

    assert problems(outcome) == [
        "row 2, kind: 'offical visit' is not one of: state visit, official visit, working "
        "visit, political consultations, joint or intergovernmental commission, business forum, "
        "summit, call, ceremony, other. (did you mean 'official visit'?)",
        "row 2, status: 'hled' is not one of: proposed, scheduled, held, postponed, cancelled. "
        "(did you mean 'held'?)",
        "row 2, host: 'Kazakstan' is not a state — did you mean Kazakhstan?",
        "row 3, states: a meeting needs at least two participating states.",
        "row 3, status: A scheduled or held meeting needs its start date.",
    ]
    assert outcome.written is False


def test_a_missing_reference_across_files_is_refused_in_words(tmp_path):
    import_all(tmp_path)
    lines = [
        FOLLOW_UPS[0],
        "F-9,Something,M-404,,2026-01-27,,,,,,",
        "F-10,Other,Political consultation (2026-01-27),,2026-01-27,,,,,,",
        "F-11,Third,,,2026-01-27,,,,,,",
        "F-12,Fourth,M-1,,2026-01-27,,,,,Ministry of Foreign Affairs,",
    ]

    outcome = run(write(tmp_path, lines, "follow-ups.csv"))

    assert problems(outcome) == [
        "row 4, origin_meeting: say where it was promised: a meeting (origin_meeting) or an "
        "instrument (origin_instrument).",
        "row 2, origin_meeting: no meeting has the reference 'M-404' (a meeting may also be "
        "named by its title and start date: 'Official visit (2026-01-27)'); import the meetings "
        "first.",
        "row 3, origin_meeting: no meeting called 'Political consultation' began on 27 January "
        "2026 — did you mean Political consultations?; import the meetings first.",
        "row 5, responsible_organization: no organization has the reference 'Ministry of "
        "Foreign Affairs'; import the organizations first.",
    ]
    assert FollowUpAction.objects.filter(reference__startswith="F-").count() == 3


def test_a_person_whose_organization_is_unknown_or_ambiguous(tmp_path):
    run(write(tmp_path, ORGANIZATIONS, "organizations.csv"))
    lines = [
        PEOPLE[0],
        "P-5,Someone,,Ministry of Foreign Affairs,",
        "P-6,Someone else,,Investmnt agency,not-an-address",
    ]

    outcome = run(write(tmp_path, lines, "people.csv"))

    assert problems(outcome) == [
        "row 3, email: 'not-an-address' is not an e-mail address.",
        "row 2, organization: 2 organizations are called 'Ministry of Foreign Affairs' (IL, KZ): "
        "give its reference.",
    ]


def test_an_organization_its_state_has_under_another_reference(tmp_path):
    Organization.objects.create(name="Ministry of Foreign Affairs", state_id="KZ")

    outcome = run(write(tmp_path, ORGANIZATIONS[:2]))

    [existing] = Organization.objects.filter(name="Ministry of Foreign Affairs", state_id="KZ")
    assert problems(outcome) == [
        "row 2, name: KZ already has an organization called 'Ministry of Foreign Affairs', with "
        f"the reference 'BIL-{existing.pk}': give that reference to update it."
    ]


def test_one_bad_row_writes_nothing(tmp_path):
    lines = [*ORGANIZATIONS, "ORG-4,Parliament,Atlantis,parliament"]

    outcome = run(write(tmp_path, lines))

    assert problems(outcome) == ["row 5, state: 'Atlantis' is not a state"]
    assert Organization.objects.filter(reference__startswith="ORG-").count() == 0


@pytest.mark.parametrize("kind", ["organizations", "people", "meetings", "follow-ups"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_round_trips(tmp_path, kind, file_format):
    import_all(tmp_path)
    order = ["organizations", "people", "instruments", "meetings", "follow-ups"]
    exports = {}
    for name in order:
        path = tmp_path / f"export-{name}.{file_format}"
        if file_format == "csv":
            path.write_text("".join(register_csv_lines(name)), encoding="utf-8")
        else:
            path.write_bytes(register_xlsx(name))
        exports[name] = path
    before = "".join(register_csv_lines(kind))
    FollowUpAction.objects.all().delete()
    Meeting.objects.all().delete()
    Instrument.objects.all().delete()
    Person.objects.all().delete()
    Organization.objects.all().delete()

    for name in order:
        outcome = run(exports[name], kind=name)
        assert (problems(outcome), outcome.written) == ([], True), name

    assert "".join(register_csv_lines(kind)) == before
    assert run(exports[kind]).changed == 0


@pytest.mark.parametrize("kind", ["organizations", "people", "follow-ups"])
def test_a_register_of_another_kind_is_refused_on_a_list(client_as, kind):
    response = client_as("analyst").post(
        f"/admin/agreements/{LISTS[kind][0]}/import/",
        {"file": SimpleUploadedFile("m.csv", "\n".join(MEETINGS).encode())},
    )

    assert response.context["refusal"].startswith(
        f"m.csv: The first row must name the columns of a register of "
        f"{KINDS[kind].plural} (see docs/import.md): "
    )
    assert Meeting.objects.count() == 0


def test_edited_organizations_and_people_update_by_reference(tmp_path):
    import_all(tmp_path)

    organizations = run(
        write(tmp_path, [ORGANIZATIONS[0], ORGANIZATIONS[3].replace("agency", "company")])
    )
    people = run(write(tmp_path, [PEOPLE[0], PEOPLE[1].replace("ORG-1", "ORG-2")], "p.csv"))

    assert (organizations.changed, people.changed) == (1, 1)
    assert Organization.objects.get(reference="ORG-3").kind == "company"
    assert Person.objects.get(reference="P-1").organization.reference == "ORG-2"
    assert Organization.objects.count() + Person.objects.count() == 5


def test_wrong_columns_for_the_list_are_refused(tmp_path):
    with pytest.raises(FileRefused) as refused:
        run(write(tmp_path, ORGANIZATIONS), kind="meetings")

    assert str(refused.value) == (
        "The first row must name the columns of a register of meetings (see docs/import.md): "
        "'name' is not a column of the register; 'state' is not a column of the register "
        "(did you mean 'states'?); the required column(s) title, states are missing."
    )


# --- Formulas in the CSV export -----------------------------------------------------------


def test_a_formula_is_neutralised_in_the_csv_export_and_read_back(tmp_path):
    make_instrument(title='=HYPERLINK("http://evil.example/","Click")', reference="@R-1")
    path = tmp_path / "export.csv"
    path.write_text("".join(register_csv_lines("instruments")), encoding="utf-8")

    lines = path.read_text().splitlines()
    assert lines[1].startswith("'@R-1,\"'=HYPERLINK(")

    assert (run(path).unchanged, run(path).problems) == (1, [])


def test_a_formula_is_text_in_the_excel_export(tmp_path):
    make_instrument(title="=1+1", reference="R-1")
    path = tmp_path / "export.xlsx"
    path.write_bytes(register_xlsx("instruments"))

    sheet = load_workbook(path).worksheets[0]

    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=1+1", "s")
    assert run(path).unchanged == 1


# --- The command and the admin -------------------------------------------------------------


def test_command_tells_the_kind_and_can_be_told_it(tmp_path):
    out = io.StringIO()

    call_command(
        "import_register",
        str(write(tmp_path, ORGANIZATIONS)),
        "--kind",
        "organizations",
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )

    assert out.getvalue() == (
        "register.csv: read 3 rows of organizations; would add 3, change 0, left 0 alone.\n"
    )


def test_command_exports_a_kind(tmp_path):
    import_all(tmp_path)
    path = tmp_path / "out.csv"

    call_command("export_register", str(path), "--kind", "people")

    assert path.read_text().splitlines() == [
        "reference,name,position,organization,email",
        "P-1,Aigerim Sample,Director,ORG-1,aigerim@example.org",
        "P-2,Noa Example,Deputy director,ORG-3,",
    ]


LISTS = {
    "organizations": ("organization", ORGANIZATIONS),
    "people": ("person", PEOPLE),
    "meetings": ("meeting", MEETINGS),
    "follow-ups": ("followupaction", FOLLOW_UPS),
}


@pytest.mark.parametrize("kind", list(LISTS))
def test_admin_import_previews_then_imports(client_as, tmp_path, kind):
    if kind in ("meetings", "follow-ups", "people"):
        import_all(tmp_path)
    model, lines = LISTS[kind]
    analyst = client_as("analyst")
    url = f"/admin/agreements/{model}/import/"

    preview = analyst.post(
        url, {"file": SimpleUploadedFile(f"{kind}.csv", "\n".join(lines).encode())}
    )
    confirmed = analyst.post(url, {"confirm": "1"})

    assert preview.status_code == 200
    assert preview.context["outcome"].kind == kind
    assert confirmed.status_code == 302
    assert confirmed.url == f"/admin/agreements/{model}/"


@pytest.mark.parametrize("kind", list(LISTS))
@pytest.mark.parametrize("role", ["manager", "consumer"])
def test_admin_import_is_refused_to_those_who_only_read(client_as, kind, role):
    model, lines = LISTS[kind]

    response = client_as(role).post(
        f"/admin/agreements/{model}/import/",
        {"file": SimpleUploadedFile("r.csv", "\n".join(lines).encode())},
    )

    assert response.status_code == 403


@pytest.mark.parametrize("kind", list(LISTS))
def test_admin_export_in_the_register_layout(client_as, tmp_path, kind):
    import_all(tmp_path)
    model, lines = LISTS[kind]

    response = client_as("consumer").get(f"/admin/agreements/{model}/export/")
    excel = client_as("consumer").get(f"/admin/agreements/{model}/export/?format=xlsx")

    exported = b"".join(response.streaming_content).decode().splitlines()
    assert exported[0] == ",".join(KINDS[kind].columns)
    assert len(exported) == len(lines)
    assert excel.content[:4] == b"PK\x03\x04"


@pytest.mark.parametrize(("role", "offered"), [("analyst", True), ("manager", False)])
def test_lists_offer_import_to_analysts_only(client_as, role, offered):
    for model, _ in LISTS.values():
        page = client_as(role).get(f"/admin/agreements/{model}/").content.decode()

        assert (f'href="/admin/agreements/{model}/import/"' in page) is offered
        assert f'href="/admin/agreements/{model}/export/"' in page


@pytest.mark.parametrize("kind", list(LISTS))
def test_admin_import_refuses_an_empty_file_and_a_wrong_type(client_as, kind):
    analyst = client_as("analyst")
    url = f"/admin/agreements/{LISTS[kind][0]}/import/"

    empty = analyst.post(url, {"file": SimpleUploadedFile("m.csv", b"")})
    pdf = analyst.post(url, {"file": SimpleUploadedFile("m.csv", b"%PDF-1.4\x00binary")})

    assert empty.status_code == pdf.status_code == 200
    assert empty.context["form"].errors == {"file": ["The submitted file is empty."]}
    assert pdf.context["refusal"].startswith("m.csv: This is not a CSV file or an Excel")


def test_a_file_over_the_limit_is_refused(tmp_path, settings):
    settings.REGISTER_IMPORT_MAX_BYTES = 50

    with pytest.raises(FileRefused) as refused:
        run(write(tmp_path, MEETINGS))

    assert str(refused.value).startswith("The file is 0.0 MB; the limit is 0 MB.")


def test_audit_trail_names_the_import_of_meetings(tmp_path):
    from agreements.audit_events import events_of

    import_all(tmp_path)
    meeting = Meeting.objects.get(reference="M-1")

    assert {event["import_file"] for event in events_of(Meeting, meeting.pk)} == {"meetings.csv"}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_documented_templates_import_cleanly_in_order(settings, file_format):
    from pathlib import Path

    folder = Path(settings.BASE_DIR) / "docs" / "import"
    for kind in KINDS:
        outcome = run(folder / f"{kind}-template.{file_format}")

        assert (outcome.kind, outcome.new, problems(outcome)) == (kind, 2, []), kind
    assert FollowUpAction.objects.get(reference="FUP-002").origin_meeting.reference == "MTG-001"


SERIES_MEETINGS = [
    "reference,title,kind,round_number,series,starts_on,states",
    "M-11,Political consultations,political consultations,11,Political consultations KZ-IL,"
    '2025-01-20,"KZ; IL"',
    "M-12,Political consultations,political consultations,12,Political consultations KZ-IL,"
    '2026-01-27,"KZ; IL"',
]


def consultations(*codes):
    from agreements.models import MeetingSeries

    return MeetingSeries.objects.create(
        title="Political consultations KZ-IL",
        kind=Meeting.Kind.POLITICAL_CONSULTATIONS,
        state_a_id=codes[0],
        state_b_id=codes[1],
        interval_months=12,
    )


def test_a_meeting_is_a_round_of_the_series_its_register_names(tmp_path):
    series = consultations("KZ", "IL")
    consultations("KZ", "UZ")  # the same title between other states is another series

    outcome = run(write(tmp_path, SERIES_MEETINGS))
    again = run(write(tmp_path, SERIES_MEETINGS))
    exported = "".join(register_csv_lines("meetings"))

    assert (problems(outcome), outcome.new) == ([], 2)
    assert list(series.rounds.order_by("round_number").values_list("reference", flat=True)) == [
        "M-11",
        "M-12",
    ]
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
    assert exported.splitlines()[0].startswith("reference,title,kind,status,round_number,series,")
    assert ",12,Political consultations KZ-IL,2026-01-27," in exported


def test_a_series_the_register_names_is_not_invented(tmp_path):
    consultations("KZ", "UZ")  # the title exists, but not between these two states

    outcome = run(write(tmp_path, SERIES_MEETINGS))

    assert problems(outcome) == [
        f"row {row}, series: no meeting series called 'Political consultations KZ-IL' between IL "
        "and KZ; add it in the admin (Meeting series, with its expected interval) first."
        for row in (2, 3)
    ]
    assert Meeting.objects.count() == 0


def test_a_misspelt_series_is_answered_with_the_one_it_means(tmp_path):
    consultations("KZ", "IL")
    line = SERIES_MEETINGS[1].replace("Political consultations KZ", "Politcal consultations KZ")

    outcome = run(write(tmp_path, [SERIES_MEETINGS[0], line]))

    assert problems(outcome) == [
        "row 2, series: no meeting series called 'Politcal consultations KZ-IL' between IL and "
        "KZ — did you mean Political consultations KZ-IL?"
    ]
    assert Meeting.objects.count() == 0
