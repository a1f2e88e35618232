"""The coverage grid (/coverage/): a state's relationships against the standard subjects."""

import csv
import datetime
import io

import pytest

from agreements import services
from agreements.coverage import coverage_grid
from agreements.models import Instrument, State, Subject
from tests.factories import make_instrument

Status = Instrument.Status


def tagged(parties, subject_slug, *, to=None, title=None):
    instrument = make_instrument(parties=parties, title=title)
    instrument.subjects.set([Subject.objects.get(slug=subject_slug)])
    for status in to or []:
        services.instrument_transition(
            instrument=instrument, to=status, on=datetime.date(2025, 3, 1)
        )
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
