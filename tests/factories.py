"""Factories for every model, in one place."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from agreements import services
from agreements.models import FollowUpAction, Instrument, Meeting, Organization, Source, State


def state(code: str) -> State:
    return State.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get(name=extracted))


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Ministry {n}")
    state = factory.LazyFunction(lambda: state("KZ"))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://example.org/report-{n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = Meeting.Kind.OFFICIAL_VISIT
    status = Meeting.Status.HELD
    starts_on = datetime.date(2026, 1, 27)

    @factory.post_generation
    def states(meeting, create, extracted, **kwargs):
        meeting.states.set([state(code) for code in (extracted or ["KZ", "IL"])])


def make_instrument(
    *,
    parties=("KZ", "IL"),
    intent_stated_on=datetime.date(2025, 1, 10),
    title=None,
    **fields,
) -> Instrument:
    """An instrument created the way the application creates them: through the service."""
    make_instrument.counter += 1
    fields.setdefault("kind", Instrument.Kind.AGREEMENT)
    return services.instrument_create(
        title=title or f"Agreement {make_instrument.counter}",
        parties=[{"state": state(code)} for code in parties],
        intent_stated_on=intent_stated_on,
        **fields,
    )


make_instrument.counter = 0


def make_action(*, origin_meeting=None, **fields) -> FollowUpAction:
    fields.setdefault("title", "Convene the commission")
    fields.setdefault("agreed_on", datetime.date(2026, 1, 27))
    action = FollowUpAction(origin_meeting=origin_meeting or MeetingFactory(), **fields)
    action.full_clean()
    action.save()
    return action
