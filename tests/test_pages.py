"""The instrument and meeting pages, with the demo data, under fixed query counts."""

import datetime

import pytest

from agreements.models import Instrument, Meeting
from agreements.services import instrument_transition, party_action_record
from tests.factories import make_instrument

D = datetime.date


@pytest.fixture
def air_services(demo):
    """A treaty halfway: signed, Kazakhstan has notified, Israel has not."""
    instrument = make_instrument(
        title="Agreement on air services",
        intent_stated_on=D(2025, 3, 1),
        entry_into_force_rule="days_after_last_notification",
        entry_into_force_days=30,
        meeting=Meeting.objects.get(kind="official_visit"),
    )
    instrument_transition(instrument=instrument, to="under_negotiation", on=D(2025, 6, 1))
    instrument_transition(instrument=instrument, to="signed", on=D(2026, 1, 27))
    party_action_record(
        instrument=instrument,
        state="KZ",
        action="notification",
        taken_on=D(2026, 4, 2),
        reference="NV 14-2/311",
    )
    return instrument


def test_instrument_page_tells_where_it_stands(air_services, client_as, django_assert_num_queries):
    client = client_as("manager")

    # 1 session, 2 savepoint, 3 user, 4 the instrument with its meeting, 5 parties with states,
    # organizations and signatories, 6 party actions, 7 history, 8 its sources, 9 links,
    # 10 links to it, 11 sources, 12 sectors, 13 documents, 14-15 permissions (for the admin
    # link), 16 release
    with django_assert_num_queries(16):
        response = client.get(f"/instruments/{air_services.pk}/")

    page = response.content.decode()
    steps = [(s["label"], s["state"]) for s in response.context["steps"]]
    assert steps == [
        ("Proposed", "done"),
        ("Under negotiation", "done"),
        ("Text agreed", "skipped"),
        ("Signed", "current"),
        ("Provisionally applied", "ahead"),
        ("In force", "ahead"),
    ]
    assert "Enters into force 30 days after the last notification." in page
    assert "Waiting for Israel&#x27;s notification that internal procedures are complete." in page
    assert "Notification that internal procedures are complete: 2 Apr 2026 (NV 14-2/311)" in page
    assert f'href="/api/v1/instruments/{air_services.pk}/"' in page
    assert "Open in the admin" in page


def test_a_non_binding_instrument_is_in_effect(demo, client_as):
    memorandum = Instrument.objects.get(short_title="Memorandum on public diplomacy")
    instrument_transition(instrument=memorandum, to="in_force", on=D(2026, 1, 27))

    response = client_as("analyst").get(f"/instruments/{memorandum.pk}/")

    page = response.content.decode()
    assert response.context["steps"][-1] == {
        "label": "In effect",
        "change": memorandum.status_changes.last(),
        "state": "current",
    }
    assert "In effect since <strong>27 Jan 2026</strong>." in page
    assert "Edit in the admin" in page


def test_meeting_page_shows_what_was_signed_and_promised(
    demo, client_as, django_assert_num_queries
):
    forum = Meeting.objects.get(kind="business_forum")
    client = client_as("consumer")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 the meeting with its host, 7 states,
    # 8 people, 9 organizations, 10 sectors, 11 sources, 12 instruments, 13 documents,
    # 14 follow-ups, 15 release
    with django_assert_num_queries(15):
        response = client.get(f"/meetings/{forum.pk}/")

    page = response.content.decode()
    assert page.count("Business forum item") == 3
    assert (
        "Turn the business forum’s project map into Joint Economic Commission workstreams" in page
    )
    assert "Stale: no update for" in page
    assert "Astana (host: Kazakhstan)" in page


@pytest.mark.parametrize("url", ["/instruments/999999/", "/meetings/999999/"])
def test_unknown_pages_answer_404(db, client_as, url):
    assert client_as("consumer").get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/", "/instruments/1/", "/meetings/1/", "/follow-ups/", "/relations/KZ-IL/"]
)
def test_pages_need_a_login(db, client, url):
    assert client.get(url).status_code == 302


def test_relationship_page_tells_the_january_2026_story(demo, client_as):
    response = client_as("manager").get("/relations/KZ-IL/")

    pipeline = {
        stage["status"]: len(stage["instruments"]) for stage in response.context["pipeline"]
    }
    assert (pipeline["proposed"], pipeline["signed"], pipeline["in_force"]) == (1, 5, 0)
    page = response.content.decode()
    assert '<a href="#status-signed">' in page
    # One period: the figure in words, not a chart of one bar.
    assert "<strong>162.4</strong> USD million" in page and "<polyline" not in page
    undated = [e["meeting"].title for e in response.context["timeline"] if e["on"] is None]
    assert sorted(undated) == [
        "Kazakhstan–Israel Joint Economic Commission (ministerial level)",
        "Visit of President Tokayev to Israel",
    ]
    assert len(response.context["open_lines"]) == 4
    assert [s.name for s in response.context["sectors"]][:3] == [
        "Culture and remembrance",
        "Digital technologies and AI",
        "Diplomatic training",
    ]


def test_relationship_page_is_the_same_in_either_order(demo, client_as):
    client = client_as("consumer")

    one = client.get("/relations/KZ-IL/").context
    other = client.get("/relations/il-kz/").context

    def summary(context):
        return [(s["status"], [i.pk for i in s["instruments"]]) for s in context["pipeline"]]

    assert summary(one) == summary(other)


@pytest.mark.parametrize("pair", ["KZ", "KZ-QQ", "KZ-IL-FR"])
def test_relationship_page_refuses_a_bad_pair(db, client_as, pair):
    assert client_as("consumer").get(f"/relations/{pair}/").status_code == 404


@pytest.mark.parametrize("extra", [0, 2])
def test_relationship_page_queries_do_not_grow(demo, client_as, django_assert_num_queries, extra):
    for number in range(extra):
        make_instrument(title=f"Extra {number}")
    client = client_as("manager")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 the two states, 7 what needs
    # attention (instruments per status, follow-ups counted), 8 the latest of each status,
    # 9 their parties, 10 their party actions, 11 meetings, 12 status changes, 13 the most
    # urgent open follow-ups, 14 indicators, 15 sectors, 16 the pair's meeting series with
    # their rounds, 17 release
    with django_assert_num_queries(17):
        client.get("/relations/KZ-IL/")


def test_home_lists_each_relationship_and_the_most_urgent(demo, client_as):
    from agreements.models import FollowUpAction, today

    visit = Meeting.objects.get(kind="official_visit")
    late = FollowUpAction.objects.create(
        title="Exchange draft texts",
        origin_meeting=visit,
        agreed_on=D(2026, 1, 27),
        due_on=today() - datetime.timedelta(days=3),
    )

    response = client_as("manager").get("/")

    [row] = response.context["page"]
    entry = row["attention"]
    assert (row["name"], row["slug"], entry.overdue) == ("Israel–Kazakhstan", "IL-KZ", 1)
    assert entry.in_words() == (
        "1 proposed, 5 signed, none in force · 5 open promises: 1 overdue, all stale, "
        "4 without an owner, 4 undated"
    )
    assert row["latest"].starts_on == D(2026, 1, 27)
    assert row["latest"].kind == "official_visit"  # the weightiest of its day, as the headline
    assert [line["title"] for line in response.context["urgent"]] == [late.title]
    assert 'href="/relations/IL-KZ/"' in response.content.decode()


@pytest.mark.parametrize("extra", [0, 2])
def test_home_queries_do_not_grow(demo, client_as, django_assert_num_queries, extra):
    from agreements.models import FollowUpAction

    for number in range(extra):
        instrument = make_instrument(title=f"Extra {number}", parties=("KZ", "FR"))
        FollowUpAction.objects.create(title=f"Ratify {number}", origin_instrument=instrument)
    FollowUpAction.objects.create(
        title="Ratify the visa agreement",
        origin_instrument=Instrument.objects.get(short_title__startswith="Visa"),
    )
    client = client_as("manager")

    # 1 savepoint, 2 session, 3 user, 4-5 permissions, 6 what needs attention per pair
    # (instruments per status, follow-ups counted), 7 the states, 8 each shown pair's latest
    # meeting, 9 each shown pair's radar counts, 10 the most urgent follow-ups, 11 release
    with django_assert_num_queries(11):
        client.get("/")


def test_home_line_counts_the_radar_of_each_relationship(demo, client_as):
    from agreements import services
    from agreements.models import today

    for number in range(2):
        stuck = make_instrument(
            title=f"Stuck {number}", intent_stated_on=today() - datetime.timedelta(days=900)
        )
        services.instrument_transition(
            instrument=stuck, to="signed", on=today() - datetime.timedelta(days=800)
        )
    # The terms too: read from the pair's rows (their stored term), like the rest of the line.
    for title, renews in [("Expiring", False), ("Renewing", True)]:
        running = make_instrument(
            title=title,
            intent_stated_on=today() - datetime.timedelta(days=900),
            duration_years=1,
            renews_tacitly=renews,
        )
        for status in ("signed", "in_force"):
            services.instrument_transition(
                instrument=running, to=status, on=today() - datetime.timedelta(days=100)
            )

    page = client_as("manager").get("/").content.decode()

    assert (
        '<a class="count radar-count" href="/radar/?pair=IL-KZ">On the radar: '
        "2 stalled after signature, 1 expiring, 1 renewing tacitly</a>"
    ) in page


@pytest.mark.parametrize(
    ("query", "instruments", "meetings", "actions"),
    [
        (
            "visas",
            [
                "Agreement between Kazakhstan and Israel on visa exemption for holders of "
                "ordinary passports"
            ],
            [],
            ["Conclude a visa-exemption agreement for holders of ordinary passports"],
        ),
        ("holocaust", [], ["State ceremony for International Holocaust Remembrance Day"], []),
        (
            '"joint economic commission" -forum',  # the forum's summary names it too
            [],
            ["Kazakhstan–Israel Joint Economic Commission (ministerial level)"],
            ["Convene the Kazakhstan–Israel Joint Economic Commission at ministerial level"],
        ),
        ("", [], [], []),
        ("zzzqqq", [], [], []),
    ],
)
def test_search_finds_instruments_meetings_and_follow_ups(
    demo, client_as, query, instruments, meetings, actions
):
    response = client_as("consumer").get("/search/", {"q": query})

    results = response.context["results"]
    assert [i.title for i in results["instruments"]] == instruments
    assert [m.title for m in results["meetings"]] == meetings
    assert [line["title"] for line in results["actions"]] == actions


def test_search_survives_odd_input(demo, client_as):
    for query in ["'", "((", "a & b | !c", "-"]:
        assert client_as("consumer").get("/search/", {"q": query}).status_code == 200
    # A NUL character is refused before any view (bilateral.middleware.RefuseNulBytesMiddleware).
    assert client_as("consumer").get("/search/", {"q": "\x00"}).status_code == 400


def test_search_runs_a_fixed_number_of_queries(demo, client_as, django_assert_num_queries):
    client = client_as("consumer")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 instruments, 7 meetings,
    # 8 follow-ups with their origins, 9 release
    with django_assert_num_queries(9):
        client.get("/search/", {"q": "commission"})


def test_relationship_page_shows_the_latest_of_a_busy_status_and_counts_them_all(
    db, client_as, monkeypatch
):
    monkeypatch.setattr("agreements.views.relationships.SHOWN_PER_STATUS", 2)
    for number in range(3):
        make_instrument(title=f"Agreement {number}")

    page = client_as("manager").get("/relations/KZ-IL/")

    [proposed] = [stage for stage in page.context["pipeline"] if stage["status"] == "proposed"]
    assert (proposed["count"], len(proposed["instruments"]), proposed["more"]) == (3, 2, 1)
    assert "1 more proposed" in page.content.decode()
