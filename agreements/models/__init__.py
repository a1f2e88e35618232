"""What Bilateral records: states, the people and bodies that act for them, the instruments they
agree, the meetings where they agree them, the follow-ups they promise, and the sources of it all.

One module per domain noun; everything is importable from `agreements.models`.
"""

# Last: it registers the audit trail's event models (InstrumentEvent, ...) in this module.
from agreements.models.audit_trail import AUDITED_MODELS, AUDITED_RELATIONS  # noqa: E402, I001
from agreements.models.changes import Change, ChangeQuerySet
from agreements.models.documents import Document, DocumentQuerySet
from agreements.models.dates import DUE_SOON_DAYS, STALE_AFTER_DAYS, add_months, today
from agreements.models.follow_ups import (
    ActionUpdate,
    FollowUpAction,
    FollowUpActionQuerySet,
    is_due_soon,
    is_open,
    is_overdue,
    is_stale,
)
from agreements.models.indicators import Indicator
from agreements.models.instruments import (
    Instrument,
    InstrumentLink,
    InstrumentParty,
    InstrumentQuerySet,
    PartyAction,
    StatusChange,
    StatusChangeQuerySet,
)
from agreements.models.meetings import Meeting, MeetingQuerySet, MeetingSeries
from agreements.models.orderings import (
    FOLLOW_UP_ORDERINGS,
    INSTRUMENT_ORDERINGS,
    MEETING_ORDERINGS,
)
from agreements.models.pairs import (
    FollowUpPair,
    FollowUpPairCount,
    InstrumentPair,
    InstrumentPairCount,
    MeetingPair,
    SubjectPairCount,
)
from agreements.models.reference import Organization, Person, Sector, Source, State, Subject
from agreements.models.schedule import ScheduledRun
from agreements.models.terms import roll_terms
from agreements.models.versions import (
    DataVersion,
    Versions,
    data_version,
    fold_ended,
    versioned,
    versions,
)

__all__ = [
    "AUDITED_MODELS",
    "AUDITED_RELATIONS",
    "DUE_SOON_DAYS",
    "FOLLOW_UP_ORDERINGS",
    "INSTRUMENT_ORDERINGS",
    "MEETING_ORDERINGS",
    "STALE_AFTER_DAYS",
    "ScheduledRun",
    "ActionUpdate",
    "Change",
    "DataVersion",
    "ChangeQuerySet",
    "Document",
    "DocumentQuerySet",
    "FollowUpAction",
    "FollowUpActionQuerySet",
    "FollowUpPair",
    "FollowUpPairCount",
    "Indicator",
    "Instrument",
    "InstrumentLink",
    "InstrumentPair",
    "InstrumentPairCount",
    "SubjectPairCount",
    "InstrumentParty",
    "InstrumentQuerySet",
    "Meeting",
    "MeetingPair",
    "MeetingQuerySet",
    "MeetingSeries",
    "Organization",
    "PartyAction",
    "Person",
    "Sector",
    "Source",
    "State",
    "StatusChange",
    "StatusChangeQuerySet",
    "Subject",
    "add_months",
    "is_due_soon",
    "is_open",
    "is_overdue",
    "is_stale",
    "roll_terms",
    "data_version",
    "versions",
    "Versions",
    "fold_ended",
    "today",
    "versioned",
]
