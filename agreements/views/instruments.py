"""One instrument's page: its road from intent to in force."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from agreements.models import (
    Document,
    Instrument,
    InstrumentLink,
    InstrumentParty,
    PartyAction,
    StatusChange,
)


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def instrument_detail(request, pk):
    """One instrument: its road from intent to in force, each party's steps, what it waits for."""
    instrument = get_object_or_404(
        Instrument.objects.select_related("meeting").prefetch_related(
            Prefetch(
                "parties",
                InstrumentParty.objects.select_related("state", "organization", "signatory"),
            ),
            Prefetch("party_actions", PartyAction.objects.select_related("state")),
            Prefetch(
                "status_changes",
                StatusChange.objects.effective().in_world_order().prefetch_related("sources"),
            ),
            Prefetch("links", InstrumentLink.objects.select_related("target")),
            Prefetch("linked_from", InstrumentLink.objects.select_related("instrument")),
            "sources",
            "sectors",
            Prefetch("documents", Document.objects.without_text()),
        ),
        pk=pk,
    )
    projection = instrument.entry_into_force()
    actions_by_state = {}
    for party_action in instrument.party_actions.all():
        actions_by_state.setdefault(party_action.state_id, []).append(party_action)
    return render(
        request,
        "agreements/instrument_detail.html",
        {
            "instrument": instrument,
            "steps": _lifecycle_steps(instrument),
            "projection": projection,
            "parties": [
                (party, actions_by_state.get(party.state_id, []))
                for party in instrument.parties.all()
            ],
        },
    )


def _lifecycle_steps(instrument: Instrument) -> list[dict]:
    """The stepper: each stage with the date and sources of the entry that reached it."""
    reached = {}
    for change in instrument.status_changes.all():
        reached[change.to_status] = change  # the latest entry to each status counts
    current = Instrument.Status(instrument.status)
    stages = list(Instrument.ROAD)  # the ends off it are added when reached
    if current not in stages:
        stages.append(current)  # suspended, terminated or abandoned
    position = stages.index(current)
    steps = []
    for index, stage in enumerate(stages):
        change = reached.get(stage)
        if stage == Instrument.Status.IN_FORCE and not instrument.is_binding:
            label = "In effect"
        else:
            label = stage.label
        steps.append(
            {
                "label": label,
                "change": change,
                "state": "current"
                if stage == current
                else "done"
                if change and index < position
                else "skipped"
                if index < position
                else "ahead",
            }
        )
    return steps
