"""The analysts' admin, with the demo data: every page renders under a fixed number of queries,
analysts record instruments and status changes, managers update follow-ups, consumers only read."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from agreements.models import (
    ActionUpdate,
    FollowUpAction,
    Indicator,
    Instrument,
    Meeting,
    Organization,
    PartyAction,
    Person,
    Sector,
    Source,
    State,
    StatusChange,
)
from agreements.services import instrument_transition, status_change_correct
from tests.factories import MeetingFactory, make_action, make_instrument

# Every admin page starts with: 1 session, 2 user, and (from the second permission check on) the
# user's permissions: 3 user permissions, 4 group permissions. The rest is named per page, and
# every request adds 2 more: the savepoint and release of its atomic block (ATOMIC_REQUESTS,
# nested in the test's transaction).
LIST_PAGES = {
    # 5 count of the filtered rows, 6 count of all rows, 7 the rows
    "state": 9,
    # 5-6 counts, 7 rows joined with their state
    "organization": 9,
    # 5-6 counts, 7 rows joined with organization and state
    "person": 9,
    # 5-6 counts, 7 rows
    "sector": 9,
    # 5 the years of the date hierarchy, 6-7 counts, 8 rows, 9 ...
    "source": 11,
    # 5 participating states for the filter, 6 sectors, 7 years, 8 count, 9 rows with host
    "meeting": 11,
    # 5 parties for the filter, 6 sectors, 7 years, 8 count, 9 rows with meeting, 10 parties
    # with their states, 11 party actions
    "instrument": 13,
    # 5 responsible states for the filter, 6 years, 7 count, 8 rows with their last activity
    "followupaction": 10,
    # 5-6 counts, 7 rows with both states
    "indicator": 9,
}

CHANGE_PAGES = {
    "state": 8,
    "organization": 9,
    "person": 9,
    "sector": 8,
    "source": 8,
    # the meeting, its m2m (states, people, organizations, sectors, sources) and their
    # autocomplete widgets, the inlines of instruments, follow-ups (with their widgets) and
    # documents
    "meeting": 23,
    # the instrument with parties and actions, sectors, subjects, sources, history, the inlines,
    # and the autocomplete widget of each party row (state, organization: 2 per party), the
    # documents inline
    "instrument": 25,
    "followupaction": 15,
    "indicator": 12,
}


def demo_object(model_name):
    return {
        "state": lambda: State.objects.get(code="KZ"),
        "instrument": lambda: Instrument.objects.get(
            short_title="Memorandum on diplomatic training"
        ),
        "meeting": lambda: Meeting.objects.get(kind="official_visit"),
        "followupaction": lambda: FollowUpAction.objects.get(title__startswith="Convene"),
        "organization": lambda: Organization.objects.order_by("pk").first(),
        "person": lambda: Person.objects.order_by("pk").first(),
        "sector": lambda: Sector.objects.order_by("pk").first(),
        "source": lambda: Source.objects.get(),
        "indicator": lambda: Indicator.objects.get(),
    }[model_name]()


@pytest.mark.parametrize(("model_name", "queries"), LIST_PAGES.items())
def test_admin_list_page_renders_demo_data_in_fixed_queries(
    demo, client_as, django_assert_num_queries, model_name, queries
):
    client = client_as("analyst")
    with django_assert_num_queries(queries):
        response = client.get(f"/admin/agreements/{model_name}/")
    assert response.status_code == 200


@pytest.mark.parametrize(("model_name", "queries"), CHANGE_PAGES.items())
def test_admin_change_page_renders_demo_data_in_fixed_queries(
    demo, client_as, django_assert_num_queries, model_name, queries
):
    client = client_as("analyst")
    obj = demo_object(model_name)
    # Django keeps content types in memory once read, so what earlier tests read would save
    # this page a query or two: start every count from the same empty cache.
    ContentType.objects.clear_cache()
    with django_assert_num_queries(queries):
        response = client.get(f"/admin/agreements/{model_name}/{obj.pk}/change/")
    assert response.status_code == 200
    assert str(obj) in response.content.decode()


def test_admin_instrument_list_shows_the_demo_story(demo, client_as):
    response = client_as("manager").get("/admin/agreements/instrument/?party=IL")

    page = response.content.decode()
    assert "Memorandum on diplomatic training" in page
    assert "Visa exemption for ordinary passports" in page
    assert "IL–KZ" in page
    assert "6 instruments" in page or "6 results" in page


@pytest.mark.parametrize("rows", [1, 3])
def test_admin_instrument_list_costs_the_same_at_one_and_three_rows(
    db, client_as, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_instrument(entry_into_force_rule="on_signature")
    client = client_as("analyst")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 parties for the filter, 7 sectors,
    # 8 years, 9 count, 10 rows, 11 parties with states, 12 party actions, 13 release
    with django_assert_num_queries(13):
        response = client.get("/admin/agreements/instrument/")
    assert response.content.decode().count('class="field-party_codes"') == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_admin_follow_up_list_costs_the_same_at_one_and_three_rows(
    db, client_as, django_assert_num_queries, rows
):
    meeting = MeetingFactory()
    for number in range(rows):
        make_action(origin_meeting=meeting, title=f"Action {number}")
    client = client_as("analyst")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 responsible states, 7 years,
    # 8 count, 9 rows with their last activity, 10 release
    with django_assert_num_queries(10):
        response = client.get("/admin/agreements/followupaction/")
    assert response.content.decode().count('class="field-due_on') == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_admin_meeting_list_costs_the_same_at_one_and_three_rows(
    db, client_as, django_assert_num_queries, rows
):
    for _ in range(rows):
        MeetingFactory()
    client = client_as("analyst")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 states, 7 sectors, 8 years,
    # 9 count, 10 rows, 11 release
    with django_assert_num_queries(11):
        response = client.get("/admin/agreements/meeting/")
    assert response.content.decode().count('class="field-kind"') == rows


def instrument_form(**overrides):
    data = {
        "title": "Agreement on the avoidance of double taxation",
        "short_title": "Double taxation",
        "kind": "agreement",
        "is_binding": "on",
        "level": "government",
        "entry_into_force_rule": "days_after_last_notification",
        "entry_into_force_days": "30",
        "intent_stated_on": "2026-02-01",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-state": "KZ",
        "parties-1-state": "IL",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


# The change form's other inlines, submitted empty.
INLINE_MANAGEMENT_FORMS = {
    f"{prefix}-{name}": value
    for prefix in ("party_actions", "status_changes")
    for name, value in [
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "0"),
    ]
}


def test_analyst_adds_an_instrument_through_the_admin(db, client_as):
    response = client_as("analyst").post("/admin/agreements/instrument/add/", instrument_form())

    assert response.status_code == 302
    instrument = Instrument.objects.get()
    assert (instrument.title, instrument.status) == (
        "Agreement on the avoidance of double taxation",
        "proposed",
    )
    assert sorted(instrument.parties.values_list("state", flat=True)) == ["IL", "KZ"]
    history = list(instrument.status_changes.values_list("to_status", "happened_on"))
    assert history == [("proposed", datetime.date(2026, 2, 1))]
    assert instrument.status_changes.get().recorded_by.groups.get().name == "analyst"
    assert instrument.missing_steps == [
        "waiting for signature",
        "waiting for Israel's notification that internal procedures are complete",
        "waiting for Kazakhstan's notification that internal procedures are complete",
    ]


def test_admin_refuses_an_instrument_with_one_party_and_saves_nothing(db, client_as):
    form = instrument_form(**{"parties-TOTAL_FORMS": "1"})
    del form["parties-1-state"]

    response = client_as("analyst").post("/admin/agreements/instrument/add/", form)

    assert response.status_code == 200
    assert "An instrument needs at least two different parties." in response.content.decode()
    assert Instrument.objects.count() == 0


def test_admin_refuses_the_same_party_twice(db, client_as):
    form = instrument_form(**{"parties-1-state": "KZ"})

    response = client_as("analyst").post("/admin/agreements/instrument/add/", form)

    assert "Please correct the duplicate data for state" in response.content.decode()
    assert Instrument.objects.count() == 0


def test_admin_refuses_a_rule_without_its_number(db, client_as):
    form = instrument_form(entry_into_force_days="")

    response = client_as("analyst").post("/admin/agreements/instrument/add/", form)

    assert "Give the number of days exactly when the rule is" in response.content.decode()
    assert Instrument.objects.count() == 0


def test_analyst_changes_status_with_the_button(db, client_as):
    instrument = make_instrument(entry_into_force_rule="on_signature")
    client = client_as("analyst")

    page = client.get(f"/admin/agreements/instrument/{instrument.pk}/change/").content.decode()
    assert f"/admin/agreements/instrument/{instrument.pk}/status/" in page
    response = client.post(
        f"/admin/agreements/instrument/{instrument.pk}/status/",
        {"to": "signed", "date": "2026-01-27", "note": "Signed in Astana"},
    )

    assert response.status_code == 302
    instrument.refresh_from_db()
    # On-signature rule: in force the same day, without anyone entering it.
    assert (instrument.status, instrument.signed_on, instrument.in_force_on) == (
        "in_force",
        datetime.date(2026, 1, 27),
        datetime.date(2026, 1, 27),
    )


def test_status_form_offers_only_the_allowed_transitions(db, client_as):
    instrument = make_instrument()

    page = client_as("analyst").get(f"/admin/agreements/instrument/{instrument.pk}/status/")

    options = page.context["adminform"].form.fields["to"].choices
    assert options == [
        ("under_negotiation", "Under negotiation"),
        ("text_agreed", "Text agreed"),
        ("signed", "Signed"),
        ("abandoned", "Abandoned"),
    ]


def test_status_form_refuses_a_forbidden_transition_readably(db, client_as):
    instrument = make_instrument()

    response = client_as("analyst").post(
        f"/admin/agreements/instrument/{instrument.pk}/status/",
        {"to": "in_force", "date": "2026-01-27"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "to": ["Select a valid choice. in_force is not one of the available choices."]
    }
    assert instrument.status_changes.count() == 1


def test_status_form_shows_the_services_refusal_on_the_date(db, client_as):
    instrument = make_instrument(intent_stated_on=datetime.date(2026, 1, 10))

    response = client_as("analyst").post(
        f"/admin/agreements/instrument/{instrument.pk}/status/",
        {"to": "signed", "date": "2026-01-01"},
    )

    assert response.context["adminform"].form.errors == {
        "date": ["The date cannot be before 10 Jan 2026, when it became proposed."]
    }
    assert instrument.status_changes.count() == 1


def test_analyst_corrects_the_latest_entry_in_the_admin(db, client_as):
    instrument = make_instrument()
    mistaken = instrument_transition(
        instrument=instrument, to="signed", on=datetime.date(2026, 1, 20)
    )

    response = client_as("analyst").post(
        f"/admin/agreements/instrument/{instrument.pk}/correct/",
        {"reason": "Signed on the 27th", "to": "signed", "date": "2026-01-27"},
    )

    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.signed_on == datetime.date(2026, 1, 27)
    assert StatusChange.objects.get(corrects=mistaken).happened_on == datetime.date(2026, 1, 27)


def test_adding_the_last_notification_in_the_admin_brings_it_into_force(db, client_as):
    instrument = make_instrument(
        entry_into_force_rule="days_after_last_notification", entry_into_force_days=30
    )
    instrument_transition(instrument=instrument, to="signed", on=datetime.date(2026, 1, 27))
    parties = list(instrument.parties.order_by("state_id"))
    form = instrument_form(
        title=instrument.title,
        kind="agreement",
        **{
            "parties-INITIAL_FORMS": "2",
            "parties-0-id": str(parties[0].pk),
            "parties-0-instrument": str(instrument.pk),
            "parties-0-state": parties[0].state_id,
            "parties-1-id": str(parties[1].pk),
            "parties-1-instrument": str(instrument.pk),
            "parties-1-state": parties[1].state_id,
            "party_actions-TOTAL_FORMS": "2",
            "party_actions-INITIAL_FORMS": "0",
            "party_actions-MIN_NUM_FORMS": "0",
            "party_actions-MAX_NUM_FORMS": "1000",
            "party_actions-0-state": "KZ",
            "party_actions-0-action": "notification",
            "party_actions-0-taken_on": "2026-02-01",
            "party_actions-1-state": "IL",
            "party_actions-1-action": "notification",
            "party_actions-1-taken_on": "2026-03-01",
            "party_actions-1-reference": "Note verbale 7/2026",
            **{k: v for k, v in INLINE_MANAGEMENT_FORMS.items() if "party_actions" not in k},
        },
    )
    del form["intent_stated_on"]

    response = client_as("analyst").post(
        f"/admin/agreements/instrument/{instrument.pk}/change/", form
    )

    assert response.status_code == 302, response.context["errors"]
    instrument.refresh_from_db()
    assert (instrument.status, instrument.in_force_on) == ("in_force", datetime.date(2026, 3, 31))


def test_consumer_can_read_but_not_change_anything(demo, client_as):
    client = client_as("consumer")
    instrument = demo_object("instrument")
    action = demo_object("followupaction")

    page = client.get(f"/admin/agreements/instrument/{instrument.pk}/change/")
    assert page.status_code == 200
    assert "Change status" not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()

    refused = [
        client.post(f"/admin/agreements/instrument/{instrument.pk}/change/", {"title": "X"}),
        client.post(f"/admin/agreements/instrument/{instrument.pk}/status/", {"to": "in_force"}),
        client.post(f"/admin/agreements/instrument/{instrument.pk}/correct/", {"reason": "x"}),
        client.post(f"/admin/agreements/instrument/{instrument.pk}/delete/", {"post": "yes"}),
        client.get("/admin/agreements/instrument/add/"),
        client.post(f"/admin/agreements/followupaction/{action.pk}/change/", {"title": "X"}),
        client.get("/admin/agreements/meeting/add/"),
    ]
    assert [response.status_code for response in refused] == [403] * 7
    instrument.refresh_from_db()
    assert (instrument.title, instrument.status_changes.count()) == (
        "Memorandum between the foreign ministries of Kazakhstan and Israel on diplomatic training",
        2,
    )


def follow_up_form(action, **update):
    return {
        "title": action.title,
        "description": action.description,
        "agreed_on": action.agreed_on.isoformat(),
        "origin_meeting": action.origin_meeting_id,
        "result_meeting": action.result_meeting_id or "",
        "sectors": list(action.sectors.values_list("pk", flat=True)),
        "sources": list(action.sources.values_list("pk", flat=True)),
        "updates-TOTAL_FORMS": "1",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
        "updates-0-happened_on": update.get("happened_on", "2026-03-02"),
        "updates-0-note": update.get("note", "Dates for the first session proposed by Astana"),
        "updates-0-to_status": update.get("to_status", ""),
    }


def test_manager_records_progress_on_a_follow_up(demo, client_as):
    action = demo_object("followupaction")
    client = client_as("manager")
    assert client.get(f"/admin/agreements/followupaction/{action.pk}/change/").status_code == 200

    response = client.post(
        f"/admin/agreements/followupaction/{action.pk}/change/",
        follow_up_form(action, to_status="in_progress"),
    )

    assert response.status_code == 302, response.context["errors"]
    action.refresh_from_db()
    update = ActionUpdate.objects.get()
    assert action.status == "in_progress"
    assert (update.happened_on, update.from_status, update.to_status) == (
        datetime.date(2026, 3, 2),
        "planned",
        "in_progress",
    )
    assert update.recorded_by.groups.get().name == "manager"


def test_manager_cannot_change_instruments(demo, client_as):
    instrument = demo_object("instrument")

    response = client_as("manager").post(
        f"/admin/agreements/instrument/{instrument.pk}/status/", {"to": "in_force"}
    )

    assert response.status_code == 403


def test_roles_are_groups_created_by_migration(db):
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        "analyst",
        "consumer",
        "manager",
    ]
    manager = Group.objects.get(name="manager")
    writable = sorted(
        manager.permissions.exclude(codename__startswith="view_").values_list("codename", flat=True)
    )
    assert writable == ["add_actionupdate", "change_followupaction"]


def test_admin_refuses_an_intent_dated_in_the_future(db, client_as):
    form = instrument_form(intent_stated_on="2099-01-01")

    response = client_as("analyst").post("/admin/agreements/instrument/add/", form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "intent_stated_on": ["That date is in the future: record it once it has happened."]
    }
    assert Instrument.objects.count() == 0


def test_admin_refuses_replacing_a_party_that_has_acted(db, client_as):
    instrument = make_instrument()
    PartyAction.objects.create(
        instrument=instrument,
        state_id="IL",
        action="ratification",
        taken_on=datetime.date(2025, 5, 1),
    )
    parties = {party.state_id: party for party in instrument.parties.all()}
    form = instrument_form(
        title=instrument.title,
        **{
            "parties-INITIAL_FORMS": "2",
            "parties-0-id": str(parties["KZ"].pk),
            "parties-0-instrument": str(instrument.pk),
            "parties-0-state": "KZ",
            "parties-1-id": str(parties["IL"].pk),
            "parties-1-instrument": str(instrument.pk),
            "parties-1-state": "FR",
            **INLINE_MANAGEMENT_FORMS,
        },
    )

    response = client_as("analyst").post(
        f"/admin/agreements/instrument/{instrument.pk}/change/", form
    )

    assert response.status_code == 200
    assert (
        "Israel has recorded actions on this instrument; delete those before removing it as a "
        "party." in response.content.decode()
    )
    assert sorted(instrument.parties.values_list("state", flat=True)) == ["IL", "KZ"]


def test_admin_deletes_an_instrument_with_a_corrected_history(db, client_as):
    instrument = make_instrument()
    mistaken = instrument_transition(
        instrument=instrument, to="signed", on=datetime.date(2026, 1, 2)
    )
    status_change_correct(change=mistaken, reason="Typo", to="signed", on=datetime.date(2026, 1, 3))

    response = client_as("analyst").post(
        f"/admin/agreements/instrument/{instrument.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert (Instrument.objects.count(), StatusChange.objects.count()) == (0, 0)


def test_admin_refuses_a_progress_update_dated_before_the_promise(demo, client_as):
    action = demo_object("followupaction")
    form = follow_up_form(action, happened_on="2025-12-01", to_status="in_progress")

    response = client_as("manager").post(
        f"/admin/agreements/followupaction/{action.pk}/change/", form
    )

    assert response.status_code == 200
    assert "A progress update cannot be dated before the action was agreed." in (
        response.content.decode()
    )
    action.refresh_from_db()
    assert (action.status, action.updates.count()) == ("planned", 0)


def test_admin_refuses_a_forbidden_follow_up_status_change(demo, client_as):
    action = demo_object("followupaction")
    client = client_as("manager")
    client.post(
        f"/admin/agreements/followupaction/{action.pk}/change/",
        follow_up_form(action, to_status="cancelled", note="Dropped"),
    )

    response = client.post(
        f"/admin/agreements/followupaction/{action.pk}/change/",
        follow_up_form(action, to_status="completed", note="Done after all"),
    )

    assert "A follow-up that is cancelled cannot become completed. Allowed next: planned." in (
        response.content.decode()
    )
    action.refresh_from_db()
    assert (action.status, action.updates.count()) == ("cancelled", 1)


def test_admin_follow_up_list_says_what_needs_attention_in_words(db, client_as):
    from agreements.models import today

    meeting = MeetingFactory()
    days = datetime.timedelta
    make_action(
        origin_meeting=meeting,
        title="Late",
        agreed_on=today() - days(200),
        due_on=today() - days(1),
    )
    make_action(origin_meeting=meeting, title="Soon", agreed_on=today(), due_on=today() + days(3))

    page = client_as("manager").get("/admin/agreements/followupaction/").content.decode()

    assert "<strong>Overdue · Stale</strong>" in page
    assert "<strong>Due soon</strong>" in page
