"""A follow-up's own page at /follow-ups/<id>/: read by everyone, moved on by managers and
analysts through the same services as the admin and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agreements.models import ActionUpdate, Change, FollowUpAction, Person, today
from agreements.services import action_assign, action_record_update
from tests.factories import MeetingFactory, OrganizationFactory, make_action, state

days = datetime.timedelta


@pytest.fixture
def promise(db):
    meeting = MeetingFactory(title="Astana consultations", place="Astana", states=["KZ", "IL"])
    return make_action(
        origin_meeting=meeting,
        title="Convene the commission",
        description="A regular venue for the sectors.",
        agreed_on=today() - days(200),
    )


def page_of(action):
    return f"/follow-ups/{action.pk}/"


def saved(action) -> dict:
    action.refresh_from_db()
    return {
        "status": action.status,
        "responsible_state": action.responsible_state_id,
        "responsible_organization": action.responsible_organization_id,
        "responsible_contact": action.responsible_contact_id,
        "due_on": action.due_on,
        "updates": action.updates.count(),
    }


UNTOUCHED = {
    "status": "planned",
    "responsible_state": None,
    "responsible_organization": None,
    "responsible_contact": None,
    "due_on": None,
    "updates": 0,
}


def test_page_says_what_was_promised_where_and_its_progress(promise, client_as):
    action_record_update(
        action=promise, note="Dates proposed by note verbale", happened_on=today() - days(5)
    )

    response = client_as("consumer").get(page_of(promise))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Convene the commission</h1>" in page
    meeting = promise.origin_meeting
    assert f'at <a href="/meetings/{meeting.pk}/">Astana consultations</a>, Astana, on ' in page
    assert "A regular venue for the sectors." in page
    assert "Dates proposed by note verbale" in page
    assert "No one yet" in page


def test_consumer_reads_the_page_without_forms(promise, client_as):
    page = client_as("consumer").get(page_of(promise)).content.decode()

    assert '<form method="post"' not in page
    assert "Add a progress update" not in page


def test_consumer_cannot_post_and_nothing_is_written(promise, client_as):
    response = client_as("consumer").post(
        page_of(promise),
        {"form": "update", "happened_on": today().isoformat(), "note": "x", "to_status": ""},
    )

    assert response.status_code == 403
    assert saved(promise) == UNTOUCHED


@pytest.mark.parametrize("role", ["manager", "analyst"])
def test_update_moves_the_follow_up_on_and_shows_on_the_page(promise, client_as, role):
    client = client_as(role)

    response = client.post(
        page_of(promise),
        {
            "form": "update",
            "happened_on": (today() - days(1)).isoformat(),
            "note": "The commission's secretariats agreed the agenda.",
            "to_status": "in_progress",
        },
    )

    assert (response.status_code, response["Location"]) == (302, f"{page_of(promise)}#progress")
    assert saved(promise) == {**UNTOUCHED, "status": "in_progress", "updates": 1}
    update = promise.updates.get()
    assert (update.from_status, update.to_status, update.recorded_by.groups.get().name) == (
        "planned",
        "in_progress",
        role,
    )
    page = client.get(page_of(promise)).content.decode()
    assert "The commission&#x27;s secretariats agreed the agenda." in page
    assert "planned → <strong>in progress</strong>" in page
    assert "the follow-up is now in progress." in page


def test_update_offers_only_the_moves_the_lifecycle_allows(promise, client_as):
    action_record_update(action=promise, note="Done", to_status="completed")

    form = client_as("manager").get(page_of(promise)).context["update_form"]

    assert form.fields["to_status"].choices == [
        ("", "Still completed"),
        ("in_progress", "In progress"),
    ]


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        ({"note": "  "}, "note", "Say what happened."),
        ({"note": ""}, "note", "Say what happened."),
        (
            # Far enough ahead to stay in the future if the run crosses midnight.
            {"happened_on": (today() + days(30)).isoformat()},
            "happened_on",
            "That date is in the future: record it once it has happened.",
        ),
        (
            {"happened_on": (today() - days(365)).isoformat()},
            "happened_on",
            "A progress update cannot be dated before the action was agreed.",
        ),
        ({"happened_on": "27/13/2026"}, "happened_on", "Enter a valid date."),
        ({"to_status": "planned"}, "to_status", "Select a valid choice."),
    ],
)
def test_refused_update_says_why_beside_the_field_and_writes_nothing(
    promise, client_as, sent, field, message
):
    response = client_as("manager").post(
        page_of(promise),
        {
            "form": "update",
            "happened_on": today().isoformat(),
            "note": "Something happened",
            "to_status": "in_progress",
            **sent,
        },
    )

    assert response.status_code == 400
    errors = response.context["update_form"].errors
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert f'<span class="field-error">{errors[field][0]}' in response.content.decode()
    assert saved(promise) == UNTOUCHED


def test_manager_says_who_answers_and_by_when(promise, client_as):
    ministry = OrganizationFactory(name="Ministry of Trade", state=state("KZ"))
    contact = Person.objects.create(name="A. Aliyev", organization=ministry)
    due = today() + days(60)

    response = client_as("manager").post(
        page_of(promise),
        {
            "form": "assign",
            "responsible_state": "KZ",
            "responsible_organization": ministry.pk,
            "responsible_contact": contact.pk,
            "due_on": due.isoformat(),
        },
    )

    assert response.status_code == 302
    assert saved(promise) == {
        **UNTOUCHED,
        "responsible_state": "KZ",
        "responsible_organization": ministry.pk,
        "responsible_contact": contact.pk,
        "due_on": due,
    }


@pytest.mark.parametrize(
    ("due_on", "message"),
    [
        ("2025-01-01", "The due date cannot be before the day it was agreed"),
        # No calendar holds it: Python's dates end in the year 9999.
        ("10000-01-01", "Enter a valid date."),
        ("2026-02-30", "Enter a valid date."),
    ],
)
def test_impossible_due_date_is_refused_beside_it_and_nothing_is_written(
    promise, client_as, due_on, message
):
    response = client_as("manager").post(
        page_of(promise), {"form": "assign", "responsible_state": "KZ", "due_on": due_on}
    )

    assert response.status_code == 400
    errors = response.context["assign_form"].errors
    assert list(errors) == ["due_on"]
    assert errors["due_on"][0].startswith(message)
    assert saved(promise) == UNTOUCHED


def test_post_without_a_form_name_is_refused_and_writes_nothing(promise, client_as):
    writes = Change.objects.count()

    response = client_as("manager").post(page_of(promise), {})

    assert response.status_code == 400
    assert Change.objects.count() == writes


def test_page_of_a_missing_follow_up_is_not_found(db, client_as):
    assert client_as("manager").get("/follow-ups/999999/").status_code == 404


@pytest.mark.parametrize("updates", [1, 3])
def test_page_runs_the_same_queries_at_one_and_three_updates(
    promise, client_as, django_assert_num_queries, updates
):
    for number in range(updates):
        action_record_update(action=promise, note=f"Step {number}", happened_on=today())
    client = client_as("manager")

    # 1 session, 2 savepoint, 3 user, 4-5 permissions, 6 the follow-up with its origin,
    # responsible and results, 7 the sectors, 8 the sources, 9 the updates with who recorded
    # them, 10 their sources, 11-13 the states, organizations and people offered, 14 release
    with django_assert_num_queries(14):
        response = client.get(page_of(promise))

    assert response.content.decode().count("Step ") == updates


# --- The service behind the form ---------------------------------------------------------------


def test_assign_service_sets_the_four_fields_together(promise):
    ministry = OrganizationFactory(state=state("IL"))

    action_assign(
        action=promise,
        responsible_state=state("IL"),
        responsible_organization=ministry,
        due_on=today() + days(10),
    )

    assert saved(promise) == {
        **UNTOUCHED,
        "responsible_state": "IL",
        "responsible_organization": ministry.pk,
        "due_on": today() + days(10),
    }


def test_assign_service_clears_what_is_not_given(promise):
    action_assign(action=promise, responsible_state=state("IL"), due_on=today())

    action_assign(action=promise, responsible_state=None)

    assert saved(promise) == UNTOUCHED
    assert FollowUpAction.objects.filter(pk=promise.pk, due_on=None).exists()


def test_assign_service_refuses_a_due_date_before_the_promise(promise):
    with pytest.raises(ValidationError) as refusal:
        action_assign(
            action=promise, responsible_state=state("KZ"), due_on=promise.agreed_on - days(1)
        )

    assert list(refusal.value.message_dict) == ["due_on"]
    assert saved(promise) == UNTOUCHED
    assert ActionUpdate.objects.count() == 0
