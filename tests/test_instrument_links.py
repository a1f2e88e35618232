"""Links between instruments (amends, replaces…) on both instruments' pages, in the API, its CSV
and the changes feed."""

import csv
import io

import pytest

from agreements.models import Change, InstrumentLink
from tests.factories import make_instrument


@pytest.fixture
def amended(db):
    """A protocol that amends an agreement."""
    agreement = make_instrument(title="Agreement on air services")
    protocol = make_instrument(title="Protocol amending the air services agreement")
    InstrumentLink.objects.create(
        instrument=protocol, relation=InstrumentLink.Relation.AMENDS, target=agreement
    )
    return agreement, protocol


def test_both_pages_say_the_link_in_words(amended, client_as):
    agreement, protocol = amended
    client = client_as("consumer")

    protocol_page = client.get(f"/instruments/{protocol.pk}/").content.decode()
    agreement_page = client.get(f"/instruments/{agreement.pk}/").content.decode()

    assert (
        f'This one amends <a href="/instruments/{agreement.pk}/">Agreement on air services</a>'
        in protocol_page
    )
    assert (
        f'Amended by <a href="/instruments/{protocol.pk}/">Protocol amending the air services '
        "agreement</a>" in agreement_page
    )


def test_api_reads_the_links_in_the_list_and_the_detail_alike(amended, api_as):
    agreement, protocol = amended
    client = api_as("consumer")

    detail = client.get(f"/api/v1/instruments/{protocol.pk}/").json()
    listed = client.get("/api/v1/instruments/?ordering=id").json()["results"]

    assert detail["links"] == [{"relation": "amends", "target": agreement.pk}]
    assert [item["links"] for item in listed] == [
        [],
        [{"relation": "amends", "target": agreement.pk}],
    ]


def test_api_writes_links_replacing_the_list(amended, api_as):
    agreement, protocol = amended
    other = make_instrument(title="Agreement on road transport")
    client = api_as("analyst")

    response = client.patch(
        f"/api/v1/instruments/{protocol.pk}/",
        {"links": [{"relation": "replaces", "target": other.pk}]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["links"] == [{"relation": "replaces", "target": other.pk}]
    assert list(protocol.links.values_list("relation", "target")) == [("replaces", other.pk)]


def test_api_creates_an_instrument_with_its_links(amended, api_as):
    agreement, _ = amended

    response = api_as("analyst").post(
        "/api/v1/instruments/",
        {
            "title": "Second protocol",
            "kind": "protocol",
            "parties": ["KZ", "IL"],
            "links": [{"relation": "protocol_to", "target": agreement.pk}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["links"] == [{"relation": "protocol_to", "target": agreement.pk}]


@pytest.mark.parametrize(
    ("links", "message"),
    [
        ("self", "An instrument cannot be linked to itself."),
        ("twice", "The same link is given twice."),
    ],
)
def test_api_refuses_a_bad_link_and_writes_nothing(amended, api_as, links, message):
    agreement, protocol = amended
    link = {"relation": "amends", "target": (protocol if links == "self" else agreement).pk}
    before = Change.objects.count()

    response = api_as("analyst").patch(
        f"/api/v1/instruments/{protocol.pk}/",
        {"title": "Renamed", "links": [link] * (2 if links == "twice" else 1)},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"links": [message]}
    protocol.refresh_from_db()
    assert protocol.title == "Protocol amending the air services agreement"
    assert Change.objects.count() == before


def test_api_refuses_a_link_to_no_instrument(amended, api_as):
    _, protocol = amended

    response = api_as("analyst").patch(
        f"/api/v1/instruments/{protocol.pk}/",
        {"links": [{"relation": "amends", "target": 999999}]},
        format="json",
    )

    assert response.status_code == 400
    assert "links" in response.json()


def test_csv_holds_the_links(amended, api_as):
    agreement, protocol = amended

    response = api_as("consumer").get("/api/v1/instruments/?format=csv&ordering=id")

    body = b"".join(response.streaming_content).decode()
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows[str(protocol.pk)]["links"] == f"amends {agreement.pk}"
    assert rows[str(agreement.pk)]["links"] == ""


def test_changes_feed_tells_of_a_link_as_a_change_of_its_instrument(amended, api_as):
    # The feed's rows, read directly: the API shows them once every transaction older than them
    # has ended on the whole server (tests/api/test_changes.py covers that part).
    agreement, protocol = amended
    start = Change.objects.order_by("-id").values_list("id", flat=True).first()

    response = api_as("analyst").patch(
        f"/api/v1/instruments/{protocol.pk}/", {"links": []}, format="json"
    )

    assert response.status_code == 200, response.json()
    feed = Change.objects.filter(id__gt=start).values_list("object_type", "object_id", "action")
    # The instrument's own row is saved too: a second line, the same words.
    assert set(feed) == {("instrument", str(protocol.pk), "update")}
