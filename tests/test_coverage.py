"""The coverage grid (/coverage/): a state's relationships against the standard subjects."""

import csv
import datetime
import io

import pytest
from django.db import connection

from agreements import services
from agreements.coverage import coverage_grid
from agreements.models import (
    Instrument,
    InstrumentPair,
    InstrumentParty,
    State,
    Subject,
    SubjectPairCount,
)
from agreements.models.pairs import refresh_all
from tests.factories import make_instrument, state

Status = Instrument.Status
PROVISIONAL = Status.PROVISIONALLY_APPLIED
JUNE = datetime.date(2025, 6, 1)


def tagged(parties, subject_slug, *, to=None, title=None, on=datetime.date(2025, 3, 1)):
    instrument = make_instrument(parties=parties, title=title)
    instrument.subjects.set([Subject.objects.get(slug=subject_slug)])
    for status in to or []:
        services.instrument_transition(instrument=instrument, to=status, on=on)
    return instrument


@pytest.fixture
def relationships(db):
    """Kazakhstan with three partners: visas in force with two, signed with the third only in
    talks; double taxation with one."""
    tagged(("KZ", "IL"), "visa-exemption", to=[Status.SIGNED, Status.IN_FORCE], title="Visas IL")
    tagged(("KZ", "FR"), "visa-exemption", to=[Status.SIGNED], title="Visas FR")
    tagged(("KZ", "DE"), "visa-exemption", to=[Status.UNDER_NEGOTIATION], title="Visas DE")
    tagged(("KZ", "DE"), "visa-exemption", title="Visas DE again")
    tagged(("KZ", "FR"), "double-taxation", to=[Status.SIGNED], title="Taxes FR")
    tagged(("FR", "DE"), "extradition", to=[Status.SIGNED], title="Not Kazakhstan's")


def levels(grid, *slugs):
    index = {subject.slug: i for i, subject in enumerate(grid.subjects)}
    return {row.partner.code: [row.cells[index[slug]].label for slug in slugs] for row in grid.rows}


def kept_counts() -> dict:
    """The kept cells with more than none: their counts and their instruments."""
    return {
        (row.state_a, row.state_b, row.subject_id, row.status): (
            row.instruments,
            row.first_instrument_id,
        )
        for row in SubjectPairCount.objects.filter(instruments__gt=0)
    }


def counted_from_scratch() -> dict:
    """The same, worked out from the pair rows and the tags: a cell's instrument is its latest
    signed, then the first by title."""
    tags = Instrument.subjects.through.objects.values_list("instrument_id", "subject_id")
    subjects_of = {}
    for instrument_id, subject_id in tags:
        subjects_of.setdefault(instrument_id, []).append(subject_id)
    cells = {}
    for a, b, instrument_id, status, signed_on, title in InstrumentPair.objects.values_list(
        "state_a", "state_b", "instrument_id", "status", "signed_on", "title"
    ):
        for subject_id in subjects_of.get(instrument_id, []):
            cells.setdefault((a, b, subject_id, status), []).append(
                (-signed_on.toordinal() if signed_on else 0, title, instrument_id)
            )
    return {key: (len(rows), min(rows)[2]) for key, rows in cells.items()}


def test_kept_counts_equal_counts_from_scratch_after_every_kind_of_write(db):
    visas, taxes, air = (Subject.objects.get(slug=slug) for slug in SLUGS)
    first = tagged(("KZ", "IL"), "visa-exemption", to=[Status.SIGNED])
    second = tagged(("KZ", "FR", "DE"), "double-taxation")  # three pairs
    untagged = make_instrument(parties=("KZ", "IL"))
    steps = [
        lambda: first.subjects.add(taxes, air),  # tags added
        lambda: first.subjects.remove(air),  # a tag removed
        lambda: second.subjects.set([visas]),  # tags replaced
        # Signed later: the cell's instrument; then signed earlier, by raw SQL: no longer.
        lambda: tagged(("KZ", "IL"), "visa-exemption", to=[Status.SIGNED], title="Zulu", on=JUNE),
        lambda: raw(
            "UPDATE agreements_instrument SET signed_on = '2024-01-01' WHERE title = 'Zulu'"
        ),
        # Unsigned, first by title; then renamed, last.
        lambda: tagged(("KZ", "FR"), "visa-exemption", title="Aardvark"),
        lambda: raw("UPDATE agreements_instrument SET title = 'Zebra' WHERE title = 'Aardvark'"),
        lambda: services.instrument_transition(  # a status changed
            instrument=first, to=Status.IN_FORCE, on=datetime.date(2025, 4, 1)
        ),
        lambda: InstrumentParty.objects.create(instrument=first, state=state("FR")),  # a party
        lambda: InstrumentParty.objects.filter(instrument=second, state="DE").delete(),
        lambda: Instrument.objects.filter(pk=untagged.pk).update(status=Status.SIGNED),  # bulk
        lambda: Instrument.subjects.through.objects.bulk_create(
            [
                Instrument.subjects.through(instrument=untagged, subject=subject)
                for subject in (visas, taxes)
            ]
        ),
        lambda: raw(  # raw SQL: a tag moved to another subject, then another deleted
            "UPDATE agreements_instrument_subjects SET subject_id = %s "
            "WHERE instrument_id = %s AND subject_id = %s",
            [air.pk, untagged.pk, visas.pk],
        ),
        lambda: raw(
            "DELETE FROM agreements_instrument_subjects "
            "WHERE instrument_id = %s AND subject_id = %s",
            [untagged.pk, taxes.pk],
        ),
        lambda: raw(  # raw SQL: a status, and the title beside it, which changes no count
            "UPDATE agreements_instrument SET status = %s, title = 'Renamed' WHERE id = %s",
            [Status.UNDER_NEGOTIATION, second.pk],
        ),
        lambda: raw(  # raw SQL: one party of three removed
            "DELETE FROM agreements_instrumentparty WHERE instrument_id = %s AND state_id = %s",
            [first.pk, "FR"],
        ),
        lambda: first.delete(),  # an instrument deleted, its tags and pair rows with it
        lambda: Subject.objects.filter(pk=visas.pk).delete(),  # a subject deleted
    ]
    for step in steps:
        step()
        assert kept_counts() == counted_from_scratch()

    # What is left: the once untagged instrument, signed, on air services.
    assert kept_counts() == {("IL", "KZ", air.pk, Status.SIGNED): (1, untagged.pk)}
    refresh_all()
    assert kept_counts() == {("IL", "KZ", air.pk, Status.SIGNED): (1, untagged.pk)}


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


SLUGS = ("visa-exemption", "double-taxation", "air-services")


def test_seeded_subjects_each_have_a_definition(db):
    assert Subject.objects.count() == 10
    assert Subject.objects.filter(definition="").count() == 0


def test_grid_shows_the_most_advanced_instrument_per_partner_and_subject(relationships):
    grid = coverage_grid(State.objects.get(code="KZ"))

    assert [row.partner.code for row in grid.rows] == ["FR", "DE", "IL"]  # by name
    assert levels(grid, "visa-exemption", "double-taxation", "extradition") == {
        "FR": ["Signed", "Signed", "None"],
        "DE": ["Under negotiation", "None", "None"],
        "IL": ["In force", "None", "None"],
    }
    germany = grid.rows[1].cells[[s.slug for s in grid.subjects].index("visa-exemption")]
    assert (germany.first[1], germany.count) == ("Visas DE", 2)


def test_grid_says_what_a_relationship_lacks_that_most_have(relationships):
    grid = coverage_grid(State.objects.get(code="KZ"))

    # Visa exemption is signed or in force with two of three partners: Germany lacks it. Double
    # taxation with one of three is not "most".
    assert {row.partner.code: [s.slug for s in row.lacks] for row in grid.rows} == {
        "FR": [],
        "DE": ["visa-exemption"],
        "IL": [],
    }


def test_a_cell_links_the_latest_signed_of_its_level_and_counts_all_that_cover(db):
    tagged(("KZ", "IL"), "air-services", to=[Status.SIGNED], title="Zeta", on=JUNE)
    tagged(("KZ", "IL"), "air-services", to=[Status.SIGNED, PROVISIONAL], title="Alpha")
    tagged(("KZ", "IL"), "air-services", to=[Status.UNDER_NEGOTIATION], title="Beta")
    tagged(("KZ", "IL"), "air-services", to=[Status.ABANDONED], title="Aardvark")  # covers nothing
    zeta = Instrument.objects.get(title="Zeta")

    grid = coverage_grid(State.objects.get(code="KZ"))
    [israel] = grid.rows
    cell = israel.cells[[subject.slug for subject in grid.subjects].index("air-services")]

    # Signed on 1 June beats provisionally applied since March: one level, the latest signed.
    assert (cell.label, cell.count, cell.first) == ("Signed", 3, (zeta.pk, "Zeta"))


def test_a_convention_covers_each_of_its_pairs_on_each_of_its_subjects(db):
    convention = make_instrument(parties=("KZ", "FR", "DE"), title="Convention")
    convention.subjects.set(Subject.objects.filter(slug__in=["visa-exemption", "extradition"]))
    services.instrument_transition(instrument=convention, to=Status.SIGNED, on=JUNE)
    kazakhstan = State.objects.get(code="KZ")

    assert levels(coverage_grid(kazakhstan), "visa-exemption", "extradition") == {
        "FR": ["Signed", "Signed"],
        "DE": ["Signed", "Signed"],
    }
    convention.subjects.remove(Subject.objects.get(slug="visa-exemption"))
    InstrumentParty.objects.filter(instrument=convention, state="DE").delete()

    # Germany left the convention: no longer a partner. France keeps extradition alone.
    assert levels(coverage_grid(kazakhstan), "visa-exemption", "extradition") == {
        "FR": ["None", "Signed"],
    }
    assert levels(coverage_grid(State.objects.get(code="DE")), "extradition") == {}


def test_a_partner_without_tagged_instruments_has_a_row_of_none(db):
    make_instrument(parties=("KZ", "IL"))

    [israel] = coverage_grid(State.objects.get(code="KZ")).rows

    assert ({cell.label for cell in israel.cells}, israel.lacks) == ({"None"}, [])


def test_terminated_instruments_cover_nothing(db):
    instrument = tagged(("KZ", "IL"), "extradition", to=[Status.SIGNED, Status.IN_FORCE])
    services.instrument_transition(
        instrument=instrument,
        to=Status.TERMINATED,
        termination_type="denounced",
        on=datetime.date(2025, 3, 1),
    )

    grid = coverage_grid(State.objects.get(code="KZ"))
    assert levels(grid, "extradition") == {"IL": ["None"]}


@pytest.mark.parametrize("count", [1, 3])
def test_coverage_page_queries_do_not_grow(db, client_as, django_assert_num_queries, count):
    for partner in ["IL", "FR", "DE"][:count]:
        tagged(("KZ", partner), "air-services", to=[Status.SIGNED])
    client = client_as("manager")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 the state, 7 subjects, 8 partners,
    # 9 the tagged instruments of its pairs grouped by cell, 10 the states of the chooser,
    # 11 release
    with django_assert_num_queries(11):
        response = client.get("/coverage/?state=KZ")

    page = response.content.decode()
    assert page.count('<td class="cover cover-signed">') == count


def test_coverage_page_cells_link_to_the_instruments_in_colour_and_words(relationships, client_as):
    israel = Instrument.objects.get(title="Visas IL")

    page = client_as("consumer").get("/coverage/?state=kz").content.decode()

    assert (
        f'<td class="cover cover-in_force"><a href="/instruments/{israel.pk}/" '
        'title="Visas IL">In force</a></td>' in page
    )
    assert '<td class="lacks">Visa exemption</td>' in page


def test_coverage_page_escapes_a_cells_title(db, client_as):
    treaty = tagged(("KZ", "IL"), "extradition", title='Treaty <b>"A&B"</b>')
    tagged(("KZ", "IL"), "extradition", title="Treaty, later by title")

    page = client_as("consumer").get("/coverage/?state=KZ").content.decode()

    assert (
        f'<td class="cover cover-proposed"><a href="/instruments/{treaty.pk}/" '
        'title="Treaty &lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; and 1 more">Proposed</a> '
        "<small>+1</small></td>" in page
    )


def test_coverage_defaults_to_the_home_state_or_asks(relationships, client_as, settings):
    client = client_as("consumer")

    settings.HOME_STATE = ""
    assert client.get("/coverage/").context["grid"] is None
    settings.HOME_STATE = "KZ"
    assert client.get("/coverage/").context["state"].code == "KZ"


def test_coverage_refuses_an_unknown_state_with_a_message(db, client_as):
    response = client_as("consumer").get("/coverage/?state=XX")

    assert response.status_code == 200
    assert "No state has the code “XX”." in response.content.decode()


def test_coverage_csv_is_the_grid_in_words(relationships, client_as):
    response = client_as("consumer").get("/coverage/?state=KZ&format=csv")

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Disposition"] == 'attachment; filename="coverage-KZ.csv"'
    assert [(r["code"], r["Visa exemption"], r["lacks"]) for r in rows] == [
        ("FR", "Signed", ""),
        ("DE", "Under negotiation", "Visa exemption"),
        ("IL", "In force", ""),
    ]


def test_api_tags_an_instrument_with_subjects_read_alike_in_list_and_detail(db, api_as):
    instrument = make_instrument(title="Social security agreement")

    response = api_as("analyst").patch(
        f"/api/v1/instruments/{instrument.pk}/",
        {"subjects": ["social-security", "double-taxation"]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    reader = api_as("consumer")
    detail = reader.get(f"/api/v1/instruments/{instrument.pk}/").json()
    [listed] = reader.get("/api/v1/instruments/").json()["results"]
    assert detail["subjects"] == listed["subjects"] == ["double-taxation", "social-security"]


def test_api_lists_the_subjects_with_their_definitions(db, api_as):
    subjects = api_as("consumer").get("/api/v1/subjects/?page_size=50").json()["results"]

    assert [subject["name"] for subject in subjects][:4] == [
        "Air services",
        "Avoidance of double taxation",
        "Customs cooperation",
        "Extradition",
    ]
    assert len(subjects) == 10
    assert subjects[3]["definition"].startswith("Handing over a person")
