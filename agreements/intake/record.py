"""Record a reviewed draft: every row the analyst kept, in one transaction, through the services.

Each row is written in a savepoint so that a mistake in one row does not hide the mistakes of
the others; if any row fails, everything is rolled back and the errors come back per row.
The report becomes the Source of every row (and of every status change it implies).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from rapidfuzz import fuzz

from agreements import services
from agreements.models import (
    FollowUpAction,
    Indicator,
    Instrument,
    Meeting,
    Organization,
    Person,
    Source,
    State,
    today,
)

Status = Instrument.Status
BINDING_KINDS = {"treaty", "agreement", "convention", "protocol", "exchange_of_notes"}
# The path a new instrument takes from intent to the status the report gives it.
PATHS = {
    Status.PROPOSED: [],
    Status.UNDER_NEGOTIATION: [Status.UNDER_NEGOTIATION],
    Status.TEXT_AGREED: [Status.TEXT_AGREED],
    Status.SIGNED: [Status.SIGNED],
    Status.PROVISIONALLY_APPLIED: [Status.SIGNED, Status.PROVISIONALLY_APPLIED],
    Status.IN_FORCE: [Status.SIGNED, Status.IN_FORCE],
}
SIMILAR_TITLE = 80  # rapidfuzz token-set ratio from which an instrument is offered as the same


class DraftNotRecorded(Exception):
    """Some rows could not be recorded; nothing was. `errors`: {(section, row): [messages]}."""

    def __init__(self, errors: dict):
        super().__init__("Some rows could not be recorded.")
        self.errors = errors


@dataclass
class Recorded:
    source: Source
    meetings: list = field(default_factory=list)
    instruments: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    people: list = field(default_factory=list)


# --- Matching what is already recorded --------------------------------------------------------


def matching_meetings(
    codes: list[str], starts_on: datetime.date | None, kind: str = "", title: str = ""
) -> list[Meeting]:
    """Meetings of the pair on the same day, the likeliest first: the same kind, then the most
    similar title."""
    if len(codes) < 2 or not starts_on:
        return []
    found = Meeting.objects.for_pair(codes[0], codes[1]).filter(starts_on=starts_on)
    return sorted(
        found,
        key=lambda m: (m.kind != kind, -fuzz.token_set_ratio(title.lower(), m.title.lower())),
    )


def matching_instruments(codes: list[str], title: str) -> list[Instrument]:
    """Instruments of the pair with a similar title, most similar first."""
    if len(codes) < 2 or not title:
        return []
    scored = [
        (fuzz.token_set_ratio(title.lower(), f"{i.title} {i.short_title}".lower()), i)
        for i in Instrument.objects.for_pair(codes[0], codes[1]).only(
            "id", "title", "short_title", "status"
        )
    ]
    return [i for score, i in sorted(scored, key=lambda pair: -pair[0]) if score >= SIMILAR_TITLE]


# --- Recording --------------------------------------------------------------------------------


@transaction.atomic
def draft_record(
    *,
    source: dict,
    states: list[State],
    meetings: list[dict] = (),
    instruments: list[dict] = (),
    follow_ups: list[dict] = (),
    indicators: list[dict] = (),
    people: list[dict] = (),
    origin_meeting: Meeting | None = None,
    user=None,
) -> Recorded:
    """Record the kept rows of a reviewed draft. Rows are dicts of the review form's cleaned
    fields; `existing` names a record to update instead of creating one. Raises
    DraftNotRecorded with every row's errors, having written nothing."""
    errors: dict = {}
    report = _source(source)
    done = Recorded(source=report)
    day = source.get("published_on") or today()

    def attempt(section, index, write):
        try:
            with transaction.atomic():
                return write()
        except ValidationError as error:
            errors[(section, index)] = _messages(error)
            return None

    for index, row in enumerate(people):
        done.people.append(attempt("people", index, lambda row=row: _person(row)))
    for index, row in enumerate(meetings):
        meeting = attempt(
            "meetings", index, lambda row=row: _meeting(row, states, report, done.people)
        )
        done.meetings.append(meeting)
    main = origin_meeting or next(
        (m for m in done.meetings if m is not None and m.status == Meeting.Status.HELD), None
    )
    event_day = (main.starts_on if main and main.starts_on else None) or day
    for index, row in enumerate(instruments):
        done.instruments.append(
            attempt(
                "instruments",
                index,
                lambda row=row: _instrument(row, report, main, event_day, user),
            )
        )
    origin_instrument = next((i for i in done.instruments if i is not None), None)
    for index, row in enumerate(follow_ups):
        done.follow_ups.append(
            attempt(
                "follow_ups",
                index,
                lambda row=row: _follow_up(row, report, main, origin_instrument, event_day),
            )
        )
    for index, row in enumerate(indicators):
        done.indicators.append(
            attempt("indicators", index, lambda row=row: _indicator(row, states, report))
        )
    if errors:
        raise DraftNotRecorded(errors)
    return done


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{'' if name == '__all__' else name.replace('_', ' ') + ': '}{message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def _source(fields: dict) -> Source:
    url = fields.get("url") or ""
    if url:
        existing = Source.objects.filter(url=url).first()
        if existing:
            return existing
    source = Source(
        title=fields["title"],
        url=url,
        publisher=fields.get("publisher") or "",
        published_on=fields.get("published_on"),
        excerpt=fields.get("excerpt") or "",
    )
    source.full_clean()
    source.save()
    return source


def _person(row: dict) -> Person:
    state = row.get("state")
    organization = None
    if state:
        organization, _ = Organization.objects.get_or_create(
            name=f"Government of {state.name}",
            state=state,
            defaults={"kind": Organization.Kind.GOVERNMENT},
        )
    person = Person.objects.filter(name=row["name"]).first()
    if person:
        return person
    person = Person(name=row["name"], position=row.get("role") or "", organization=organization)
    person.full_clean()
    person.save()
    return person


def _meeting(row: dict, states, report, people) -> Meeting:
    meeting = row.get("existing")
    if meeting is None:
        meeting = Meeting(title=row["title"], kind=row["kind"])
    # A record already held keeps its title and kind; the report adds what it lacked and
    # moves it on (a proposed meeting now held).
    meeting.status = row["status"]
    meeting.starts_on = row.get("starts_on") or meeting.starts_on
    meeting.place = row.get("place") or meeting.place
    meeting.host = row.get("host") or meeting.host
    meeting.round_number = row.get("round") or meeting.round_number
    meeting.full_clean(exclude=["states"])
    meeting.save()
    if not meeting.states.exists():
        meeting.states.set(states)
    meeting.sources.add(report)
    evidence = row.get("evidence") or ""
    named = [p for p in people if p is not None and p.name.split()[-1] in evidence]
    meeting.people.add(*named)
    return meeting


def _instrument(row: dict, report, main, event_day, user) -> Instrument:
    status = Status(row["status"])
    on = row.get("signed_on") or event_day
    existing = row.get("existing")
    if existing:
        existing.sources.add(report)
        if existing.status != status:
            for step in PATHS[status]:
                if (
                    existing.status != step
                    and step in Instrument.TRANSITIONS[Status(existing.status)]
                ):
                    services.instrument_transition(
                        instrument=existing, to=step, on=on, user=user, sources=[report],
                        note=f"Reported in “{report.title}”.",
                    )  # fmt: skip
            existing.refresh_from_db()
            if existing.status != status:
                raise ValidationError(
                    f"“{existing}” is {existing.get_status_display().lower()}; it cannot become "
                    f"{status.label.lower()} from there. Untick the row or pick another record."
                )
        return existing
    parties = [
        {"state": party["state"], "organization": party.get("organization")}
        if party.get("organization")
        else {"state": party["state"]}
        for party in row["parties"]
    ]
    kind = row["kind"]
    instrument = services.instrument_create(
        title=row["title"],
        kind=kind,
        is_binding=kind in BINDING_KINDS,
        level=Instrument.Level.COMMERCIAL if kind == "commercial" else Instrument.Level.GOVERNMENT,
        parties=parties,
        intent_stated_on=on if status != Status.PROPOSED else event_day,
        user=user,
        note=f"Reported in “{report.title}”.",
        sources=[report],
        meeting=main,
        signature_place=(main.place if main and status in PATHS[Status.SIGNED] else ""),
        notes=row.get("evidence") or "",
    )
    for step in PATHS[status]:
        services.instrument_transition(
            instrument=instrument, to=step, on=on, user=user, sources=[report],
            note=f"Reported in “{report.title}”.", promote=False,
        )  # fmt: skip
    return instrument


def _follow_up(row: dict, report, main, origin_instrument, event_day) -> FollowUpAction:
    action = FollowUpAction(
        title=row["title"],
        description=row.get("evidence") or "",
        responsible_state=row.get("responsible_state"),
        due_on=row.get("due_on"),
        agreed_on=event_day,
        origin_meeting=main,
        origin_instrument=None if main else origin_instrument,
    )
    action.full_clean()
    action.save()
    action.sources.add(report)
    return action


def _indicator(row: dict, states, report) -> Indicator:
    if len(states) < 2:
        raise ValidationError("An indicator is for two states: name them above.")
    indicator = Indicator(
        state_a=states[0],
        state_b=states[1],
        metric=row["metric"],
        value=row["value"],
        unit=row["unit"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        note=row.get("evidence") or "",
    )
    indicator.full_clean()
    indicator.save()
    indicator.sources.add(report)
    return indicator
