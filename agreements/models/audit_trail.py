"""The audit trail: which tables django-pghistory records (the context of each write and reading
an object's events back: `agreements/audit_events.py`)."""

import pghistory

from agreements.models.documents import Document
from agreements.models.follow_ups import ActionUpdate, FollowUpAction
from agreements.models.indicators import Indicator
from agreements.models.instruments import (
    Instrument,
    InstrumentLink,
    InstrumentParty,
    PartyAction,
    StatusChange,
)
from agreements.models.meetings import Meeting, MeetingSeries
from agreements.models.reference import Organization, Person, Sector, Source, State, Subject

# django-pghistory installs row-level triggers that copy every inserted, updated and deleted row of
# these tables into an event table beside it (`<Model>Event`), with the request's context (user,
# token, URL, request id). Triggers, not signals: the admin, the API, a command, a bulk update
# and raw SQL are all recorded. The changes feed is written from these event rows (migration 0008).

AUDITED_MODELS = [
    State,
    Organization,
    Person,
    Sector,
    Subject,
    Source,
    Meeting,
    MeetingSeries,
    Instrument,
    InstrumentParty,
    PartyAction,
    InstrumentLink,
    StatusChange,
    FollowUpAction,
    ActionUpdate,
    Indicator,
    Document,
]
AUDITED_RELATIONS = [
    Meeting.states,
    Meeting.people,
    Meeting.organizations,
    Meeting.sectors,
    Meeting.sources,
    Instrument.sectors,
    Instrument.subjects,
    Instrument.sources,
    PartyAction.sources,
    StatusChange.sources,
    FollowUpAction.sectors,
    FollowUpAction.sources,
    ActionUpdate.sources,
    Indicator.sources,
]


# Columns not copied into the events: a document's text and its search vector are read from its
# file (which never changes), so the events keep the file's name, size and digest instead.
# An instrument's stored term is worked out from its other columns (`agreements.models.terms`).
NOT_AUDITED = {
    Document: ["text", "search_vector"],
    Instrument: ["term_starts_on", "term_ends_on", "term_matters_on"],
}


def _audit(model, model_name: str):
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=NOT_AUDITED.get(model),
        model_name=model_name,
        app_label="agreements",
        obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
    )(model)


for _model in AUDITED_MODELS:
    _audit(_model, f"{_model.__name__}Event")


def relation_model(relation):
    """The row model of a many-to-many table ("agreements_instrument_sources"), as a proxy of its
    auto-created row model: django-pgtrigger declares triggers on it (the audit trail's here, the
    data versions' in `versions.py`) and makemigrations tracks them. One proxy per table."""
    name = relation.field.model.__name__ + relation.field.name.title()
    if name not in globals():
        globals()[name] = type(
            name,
            (relation.through,),
            {
                "__module__": __name__,
                "Meta": type("Meta", (), {"proxy": True, "app_label": "agreements"}),
            },
        )
    return globals()[name]


for _relation in AUDITED_RELATIONS:
    # Its rows are added and removed.
    _audit(relation_model(_relation), f"{relation_model(_relation).__name__}Event")
