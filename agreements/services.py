"""Every change of status, and every write that spans several rows, goes through here.

The admin, the API and the management commands call these functions, so a rule holds at every door.
Each runs in one transaction and locks the instrument's row so two writers never interleave.
"""

import datetime
import itertools
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from knox.models import AuthToken

from agreements.models import (
    ActionUpdate,
    FollowUpAction,
    Instrument,
    InstrumentLink,
    InstrumentParty,
    PartyAction,
    Source,
    State,
    StatusChange,
    today,
)

Status = Instrument.Status


class TransitionNotAllowed(ValidationError):
    """The status map does not allow this change (the API answers 409)."""


# --- Instruments ------------------------------------------------------------------------------


@transaction.atomic
def instrument_create(
    *,
    parties: Iterable[dict],
    intent_stated_on: datetime.date | None = None,
    user=None,
    note: str = "",
    sources: Iterable[Source] = (),
    sectors: Iterable = (),
    subjects: Iterable = (),
    **fields,
) -> Instrument:
    """Create an instrument with its parties ({"state": State, "organization": …, "signatory": …})
    and the first row of its history: `proposed`, on the day the intent was stated."""
    parties = list(parties)
    validate_parties([party["state"] for party in parties])

    instrument = Instrument(**fields)
    instrument.full_clean()
    instrument.save()
    instrument.sectors.set(sectors)
    instrument.subjects.set(subjects)
    instrument.sources.set(sources)
    for party in parties:
        InstrumentParty.objects.create(instrument=instrument, **party)
    instrument_start_history(
        instrument=instrument, on=intent_stated_on, user=user, note=note, sources=sources
    )
    return instrument


TOO_FEW_PARTIES = "An instrument needs at least two different parties."
PARTY_TWICE = "A state can be a party only once."


def validate_parties(states: Iterable) -> None:
    """The parties rule, in the words every door answers with (the admin's parties, the API, the
    services): each state once, and at least two of them. The database holds both too (a unique
    constraint, and a trigger checked at commit: `models/instruments.py`)."""
    states = list(states)
    if len(set(states)) != len(states):
        raise ValidationError({"parties": PARTY_TWICE})
    if len(states) < 2:
        raise ValidationError({"parties": TOO_FEW_PARTIES})


@transaction.atomic
def instrument_update(
    *,
    instrument: Instrument,
    parties: Iterable[dict] | None = None,
    links: Iterable[dict] | None = None,
    sectors: Iterable | None = None,
    subjects: Iterable | None = None,
    sources: Iterable[Source] | None = None,
    **fields,
) -> StatusChange | None:
    """Change an instrument: the fields given, then whichever of its parties, links, sectors,
    subjects and sources are given (each a whole list; None leaves it as it is), then bring it into
    force if its rule now says it is. The admin's change form and the API's PUT and PATCH call
    this. Returns that entry into force, if there was one."""
    _lock(instrument)
    for name, value in fields.items():
        setattr(instrument, name, value)
    instrument.full_clean()
    instrument.save()
    for name, chosen in (("sectors", sectors), ("subjects", subjects), ("sources", sources)):
        if chosen is not None:
            getattr(instrument, name).set(chosen)
    if parties is not None:
        instrument_set_parties(instrument=instrument, parties=parties)
    if links is not None:
        instrument_set_links(instrument=instrument, links=links)
    return instrument_promote_if_due(instrument=instrument)


@transaction.atomic
def instrument_set_parties(*, instrument: Instrument, parties: Iterable[dict]) -> None:
    """Make these the parties ({"state": State, "organization": …, "signatory": …}; only the state
    is needed): new ones are added, missing ones removed unless they have already acted on the
    instrument, and the others keep what they had unless it is given."""
    parties = list(parties)
    validate_parties([party["state"].pk for party in parties])
    _lock(instrument)
    current = {party.state_id: party for party in instrument.parties.all()}
    wanted = {party["state"].pk: party for party in parties}
    leaving = set(current) - set(wanted)
    refuse_removing_parties_that_acted(instrument=instrument, states=leaving)
    instrument.parties.filter(state__in=leaving).delete()
    for code, given in sorted(wanted.items()):
        party = current.get(code) or InstrumentParty(instrument=instrument, state_id=code)
        changed = {name: value for name, value in given.items() if name != "state"}
        if party.pk is None or any(
            getattr(party, name) != value for name, value in changed.items()
        ):
            for name, value in changed.items():
                setattr(party, name, value)
            party.save()


@transaction.atomic
def instrument_set_links(*, instrument: Instrument, links: Iterable[dict]) -> None:
    """Make these the instrument's links to others ({"relation": "amends", "target":
    Instrument}): the ones not given are removed, the new ones checked as the admin checks them."""
    wanted = [(link["relation"], link["target"].pk) for link in links]
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"links": "The same link is given twice."})
    _lock(instrument)
    current = {(link.relation, link.target_id): link for link in instrument.links.all()}
    for key, link in current.items():
        if key not in wanted:
            link.delete()
    for relation, target_id in wanted:
        if (relation, target_id) in current:
            continue
        link = InstrumentLink(instrument=instrument, relation=relation, target_id=target_id)
        try:
            link.full_clean()
        except ValidationError as error:
            messages = [message for field in error.message_dict.values() for message in field]
            raise ValidationError({"links": messages}) from None
        link.save()


def refuse_removing_parties_that_acted(*, instrument: Instrument, states: Iterable) -> None:
    """A party that has acted on an instrument stays one until its actions are deleted; the admin
    asks this before saving its parties, the API before replacing them."""
    acted = sorted(
        set(
            PartyAction.objects.filter(instrument=instrument, state__in=states).values_list(
                "state__name", flat=True
            )
        )
    )
    if acted:
        raise ValidationError(
            {
                "parties": f"{', '.join(acted)} has recorded actions on this instrument; delete "
                "those before removing it as a party."
            }
        )


@transaction.atomic
def instrument_start_history(
    *,
    instrument: Instrument,
    on: datetime.date | None = None,
    user=None,
    note: str = "",
    sources: Iterable[Source] = (),
) -> StatusChange:
    """Write the first history row of a new instrument: intent stated (`proposed`)."""
    on = on or today()
    validate_intent_stated_on(on)
    if instrument.status_changes.effective().exists():
        raise ValidationError("This instrument's history has already started.")
    change = StatusChange.objects.create(
        instrument=instrument,
        from_status="",
        to_status=Status.PROPOSED,
        happened_on=on,
        note=note or "Intent stated.",
        recorded_by=user,
    )
    change.sources.set(sources)
    _refresh_from_history(instrument)
    return change


@transaction.atomic
def instrument_transition(
    *,
    instrument: Instrument,
    to: str,
    on: datetime.date | None = None,
    user=None,
    note: str = "",
    sources: Iterable[Source] = (),
    termination_type: str = "",
    promote: bool = True,
) -> StatusChange:
    """Move an instrument to status `to` as of `on` (default today) and record it.

    Reaching `signed` fills the signature date, reaching `in_force` the entry-into-force date.
    After a signature, the instrument enters into force at once if its rule says it already has.
    """
    on = on or today()
    locked = _lock(instrument)
    current = locked.status
    to = _as_status(to)
    if to not in Instrument.TRANSITIONS[Status(current)]:
        allowed = ", ".join(s.label.lower() for s in Instrument.TRANSITIONS[Status(current)])
        raise TransitionNotAllowed(
            f"An instrument that is {Status(current).label.lower()} cannot become "
            f"{to.label.lower()}. "
            + (f"Allowed next: {allowed}." if allowed else "It cannot change status any more.")
        )
    _refuse_future(on)
    latest = locked.status_changes.effective().in_world_order().last()
    if latest and on < latest.happened_on:
        raise ValidationError(
            {
                "date": f"The date cannot be before {date_format(latest.happened_on)}, "
                f"when it became {latest.get_to_status_display().lower()}."
            }
        )
    if to == Status.IN_FORCE and locked.signed_on and on < locked.signed_on:
        raise ValidationError({"date": "The entry-into-force date cannot be before signature."})
    if to == Status.TERMINATED and not termination_type:
        raise ValidationError(
            {
                "termination_type": "Say how it ended: expired, denounced, replaced or by mutual "
                "consent."
            }
        )
    if to != Status.TERMINATED and termination_type:
        raise ValidationError({"termination_type": "Only a termination has a termination type."})

    change = StatusChange.objects.create(
        instrument=locked,
        from_status=current,
        to_status=to,
        happened_on=on,
        termination_type=termination_type,
        note=note,
        recorded_by=user,
    )
    change.sources.set(sources)
    _refresh_from_history(locked)
    _copy_cached_fields(locked, instrument)
    if promote and to in (Status.SIGNED, Status.PROVISIONALLY_APPLIED):
        instrument_promote_if_due(instrument=instrument)
    return change


@transaction.atomic
def status_change_correct(
    *,
    change: StatusChange,
    reason: str,
    user=None,
    to: str | None = None,
    on: datetime.date | None = None,
    note: str = "",
    termination_type: str = "",
) -> StatusChange | None:
    """Retract a mistaken history row and, optionally, record what really happened instead.

    Only the latest row that counts can be corrected, so the history stays a valid chain; to mend
    an older row, correct the later ones first. The first row (intent stated) can only be
    replaced, since every instrument has a status.
    """
    if not reason.strip():
        raise ValidationError({"reason": "Say why the entry is mistaken."})
    instrument = _lock(change.instrument)
    effective = list(instrument.status_changes.effective().in_world_order())
    if not effective or effective[-1].pk != change.pk:
        raise ValidationError(
            "Only the latest status entry can be corrected; correct the later ones first."
        )
    is_first = len(effective) == 1
    if is_first and not to:
        raise ValidationError({"to": "The first entry can only be replaced, not removed."})

    change.retracted_at = timezone.now()
    change.retracted_by = user
    change.retraction_reason = reason
    change.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])
    _refresh_from_history(instrument)

    if not to:
        _copy_cached_fields(instrument, change.instrument)
        return None
    if is_first:
        if _as_status(to) != Status.PROPOSED:
            raise TransitionNotAllowed("The first entry of a history is always 'proposed'.")
        replacement = instrument_start_history(
            instrument=instrument, on=on or change.happened_on, user=user, note=note
        )
    else:
        replacement = instrument_transition(
            instrument=instrument,
            to=to,
            on=on or change.happened_on,
            user=user,
            note=note,
            termination_type=termination_type,
            promote=False,
        )
    replacement.corrects = change
    replacement.save(update_fields=["corrects"])
    _copy_cached_fields(instrument, change.instrument)
    return replacement


@transaction.atomic
def party_action_record(
    *,
    instrument: Instrument,
    state: State | str,
    action: str,
    taken_on: datetime.date,
    reference: str = "",
    note: str = "",
    sources: Iterable[Source] = (),
) -> PartyAction:
    """Record what one party did; if that completes the rule, the instrument enters into force."""
    _lock(instrument)
    state_code = state.pk if isinstance(state, State) else str(state).upper()
    party_action = PartyAction(
        instrument=instrument,
        state_id=state_code,
        action=action,
        taken_on=taken_on,
        reference=reference,
        note=note,
    )
    party_action.full_clean()
    party_action.save()
    party_action.sources.set(sources)
    instrument_promote_if_due(instrument=instrument)
    return party_action


def instrument_promote_if_due(
    *, instrument: Instrument, on: datetime.date | None = None
) -> StatusChange | None:
    """Bring a signed instrument into force if its rule's date has arrived, dated that day."""
    on = on or today()
    instrument = Instrument.objects.with_projection().get(pk=instrument.pk)
    if instrument.status not in (Status.SIGNED, Status.PROVISIONALLY_APPLIED):
        return None
    projection = instrument.entry_into_force()
    if not projection.is_complete or projection.projected_on > on:
        return None
    latest = instrument.status_changes.effective().in_world_order().last()
    # A rule's date earlier than the latest recorded change (a late entry) counts from that change.
    in_force_on = max(projection.projected_on, latest.happened_on)
    return instrument_transition(
        instrument=instrument,
        to=Status.IN_FORCE,
        on=in_force_on,
        note=f"Entered into force under its rule. {projection.explanation}",
        promote=False,
    )


def instruments_promote_due(*, on: datetime.date | None = None) -> list[StatusChange]:
    """The daily run: every instrument whose entry-into-force date has arrived enters into force."""
    changes = []
    for instrument in Instrument.objects.awaiting_entry_into_force().order_by("pk"):
        change = instrument_promote_if_due(instrument=instrument, on=on)
        if change:
            changes.append(change)
    return changes


# --- Follow-up actions ------------------------------------------------------------------------


@transaction.atomic
def action_record_update(
    *,
    action: FollowUpAction,
    note: str,
    happened_on: datetime.date | None = None,
    to_status: str = "",
    user=None,
    sources: Iterable[Source] = (),
) -> ActionUpdate:
    """Add a dated progress note to a follow-up, changing its status if `to_status` is given."""
    happened_on = happened_on or today()
    action = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    current = FollowUpAction.Status(action.status)
    validate_action_update(action=action, note=note, happened_on=happened_on, to_status=to_status)
    if to_status == current:
        to_status = ""
    update = ActionUpdate.objects.create(
        action=action,
        happened_on=happened_on,
        note=note,
        from_status=current if to_status else "",
        to_status=to_status,
        recorded_by=user,
    )
    update.sources.set(sources)
    if to_status:
        action.status = to_status
        action.save(update_fields=["status", "updated_at"])
    return update


@transaction.atomic
def action_assign(
    *,
    action: FollowUpAction,
    responsible_state: State | None,
    responsible_organization=None,
    responsible_contact=None,
    due_on: datetime.date | None = None,
) -> FollowUpAction:
    """Say who answers for a follow-up (state, organization, contact) and by when; the model's
    own validation decides what is acceptable, as in the admin and the API."""
    locked = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    locked.responsible_state = responsible_state
    locked.responsible_organization = responsible_organization
    locked.responsible_contact = responsible_contact
    locked.due_on = due_on
    if due_on is not None and due_on < locked.agreed_on:
        # The database's check says this too, but without naming the field it is about.
        raise ValidationError(
            {
                "due_on": "The due date cannot be before the day it was agreed "
                f"({locked.agreed_on:%-d %B %Y})."
            }
        )
    locked.full_clean()
    locked.save(
        update_fields=[
            "responsible_state",
            "responsible_organization",
            "responsible_contact",
            "due_on",
            "updated_at",
        ]
    )
    return locked


def validate_action_update(
    *, action: FollowUpAction, note: str, happened_on: datetime.date, to_status: str = ""
) -> None:
    """What a progress update must satisfy; the admin's form asks the same before saving."""
    current = FollowUpAction.Status(action.status)
    if to_status and to_status != current:
        to = FollowUpAction.Status(to_status)
        if to not in FollowUpAction.TRANSITIONS[current]:
            allowed = ", ".join(s.label.lower() for s in FollowUpAction.TRANSITIONS[current])
            raise TransitionNotAllowed(
                {
                    "to_status": f"A follow-up that is {current.label.lower()} cannot become "
                    f"{to.label.lower()}. Allowed next: {allowed}."
                }
            )
    if not note.strip():
        raise ValidationError({"note": "Say what happened."})
    _refuse_future(happened_on, field="happened_on")
    if happened_on < action.agreed_on:
        raise ValidationError(
            {"happened_on": "A progress update cannot be dated before the action was agreed."}
        )


def validate_intent_stated_on(on: datetime.date) -> None:
    _refuse_future(on, field="intent_stated_on")


@transaction.atomic
def user_tokens_revoke(*, user) -> int:
    """End every API token of `user` (on a password change, when asked); how many there were."""
    revoked, _ = AuthToken.objects.filter(user=user).delete()
    return revoked


# --- Helpers ----------------------------------------------------------------------------------


def _lock(instrument: Instrument) -> Instrument:
    return Instrument.objects.select_for_update().get(pk=instrument.pk)


def _as_status(value) -> Status:
    try:
        return Status(value)
    except ValueError:
        choices = ", ".join(Status.values)
        raise ValidationError(
            {"to": f"'{value}' is not a status. Choose from: {choices}."}
        ) from None


def _refuse_future(on: datetime.date, *, field: str = "date") -> None:
    if on > today():
        raise ValidationError(
            {field: "That date is in the future: record it once it has happened."}
        )


def _refresh_from_history(instrument: Instrument) -> None:
    """Copy status, signature date and entry-into-force date from the rows that count."""
    rows = list(instrument.status_changes.effective().in_world_order())
    _copy_from_steps(instrument, [(row.to_status, row.happened_on) for row in rows])
    instrument.validate_constraints()
    instrument.save(
        update_fields=["status", "signed_on", "in_force_on", "status_since", "updated_at"]
    )


def _copy_from_steps(instrument: Instrument, steps: list[tuple[str, datetime.date]]) -> None:
    """Status, signature date and entry-into-force date, as the (status, date) steps of its
    history that count, oldest first, say."""
    instrument.status = steps[-1][0] if steps else Status.PROPOSED
    signed = [on for status, on in steps if status == Status.SIGNED]
    in_force = [on for status, on in steps if status == Status.IN_FORCE]
    instrument.signed_on = signed[-1] if signed else None
    # A suspension and resumption do not move the date it first entered into force.
    instrument.in_force_on = in_force[0] if in_force else None
    instrument.status_since = steps[-1][1] if steps else None


def _copy_cached_fields(source: Instrument, target: Instrument) -> None:
    """Keep the caller's object in step with the locked copy that was saved."""
    for name in ("status", "signed_on", "in_force_on", "status_since", "updated_at"):
        setattr(target, name, getattr(source, name))


# --- Registers --------------------------------------------------------------------------------


@transaction.atomic
def instruments_create_in_bulk(
    *,
    instruments: list[dict],
    user=None,
    note: str = "",
) -> list[Instrument]:
    """Create many instruments at once, each with the whole dated history a register gives:
    {"fields": {...}, "parties": [State], "sectors": [Sector], "sources": [Source],
    "steps": [(status, date, termination type)]}. A query per table, not dozens per instrument
    as `instrument_create` and `instrument_transition` take, so that a register of thousands
    imports in seconds; the history follows the status map, checked here as those do, and the
    status and its dates are copied from it in the same transaction."""
    made = []
    for given in instruments:
        _refuse_invalid_steps(given["steps"])
        validate_parties(state.pk for state in given["parties"])
        instrument = Instrument(**given["fields"])
        _copy_from_steps(instrument, [(status, on) for status, on, _ in given["steps"]])
        instrument.clean_fields()
        made.append(instrument)
    Instrument.objects.bulk_create(made)
    InstrumentParty.objects.bulk_create(
        InstrumentParty(instrument=instrument, state=state)
        for instrument, given in zip(made, instruments, strict=True)
        for state in given["parties"]
    )
    for relation, key in ((Instrument.sectors, "sectors"), (Instrument.sources, "sources")):
        through = relation.through
        target = relation.field.m2m_reverse_field_name()
        through.objects.bulk_create(
            through(instrument=instrument, **{target: item})
            for instrument, given in zip(made, instruments, strict=True)
            for item in given[key]
        )
    StatusChange.objects.bulk_create(
        StatusChange(
            instrument=instrument,
            from_status=previous,
            to_status=status,
            happened_on=on,
            termination_type=termination_type,
            note=note or ("Intent stated." if not previous else ""),
            recorded_by=user,
        )
        for instrument, given in zip(made, instruments, strict=True)
        for previous, (status, on, termination_type) in zip(
            ["", *(step[0] for step in given["steps"])], given["steps"], strict=False
        )
    )
    return made


def _refuse_invalid_steps(steps: list[tuple[str, datetime.date, str]]) -> None:
    """A history as the services would have written it: it starts with the intent, each step is
    one the status map allows, dates never go back or into the future, and only a termination
    says how it ended."""
    if not steps or steps[0][0] != Status.PROPOSED:
        raise TransitionNotAllowed("The first entry of a history is always 'proposed'.")
    for (previous, before, _), (status, on, _) in itertools.pairwise(steps):
        if status not in Instrument.TRANSITIONS[Status(previous)]:
            raise TransitionNotAllowed(
                f"An instrument that is {Status(previous).label.lower()} cannot become "
                f"{Status(status).label.lower()}."
            )
        if on < before:
            raise ValidationError({"date": "A history's dates cannot go back."})
    for status, on, termination_type in steps:
        _refuse_future(on)
        if (status == Status.TERMINATED) != bool(termination_type):
            raise ValidationError(
                {"termination_type": "A termination, and only a termination, says how it ended."}
            )


@transaction.atomic
def instrument_rewrite_history(
    *,
    instrument: Instrument,
    steps: list[tuple[str, datetime.date, str]],
    reason: str,
    user=None,
    note: str = "",
) -> None:
    """Make the history that counts read `steps` ((status, date, termination type), oldest
    first), as a register says it is: the rows after the part both agree on are retracted, latest
    first, with `reason`, and the missing steps recorded. Nothing is promoted by its rule: the
    history says what the register says, and the daily run does the rest."""
    current = list(instrument.status_changes.effective().in_world_order())
    agreed = 0
    for change, step in zip(current, steps, strict=False):
        if (change.to_status, change.happened_on, change.termination_type) != tuple(step):
            break
        agreed += 1
    for change in reversed(current[max(agreed, 1) :]):
        status_change_correct(change=change, reason=reason, user=user)
    if not current:
        instrument_start_history(instrument=instrument, on=steps[0][1], user=user, note=note)
        agreed = 1
    elif agreed == 0:
        # The first entry (intent stated) can only be replaced, never removed.
        status_change_correct(
            change=current[0], reason=reason, user=user, to=Status.PROPOSED, on=steps[0][1]
        )
        agreed = 1
    for status, on, termination_type in steps[agreed:]:
        instrument_transition(
            instrument=instrument,
            to=status,
            on=on,
            user=user,
            note=note,
            termination_type=termination_type,
            promote=False,
        )
