"""The draft: what the extractor proposes from one report, in the one shape the command, the API
and the review page share (documented in docs/intake.md). Nothing here is saved."""

import datetime
from dataclasses import asdict, dataclass, field


@dataclass
class Item:
    evidence: str  # the sentence the item comes from, as the report writes it
    confidence: float  # how sure the rule that proposed it is, 0–1


@dataclass
class SourceInfo:
    title: str = ""
    publisher: str = ""
    published_on: datetime.date | None = None
    url: str = ""


@dataclass
class MeetingItem(Item):
    kind: str = ""
    title: str = ""
    status: str = "held"
    starts_on: datetime.date | None = None
    place: str = ""
    host: str | None = None
    round: int | None = None


@dataclass
class InstrumentItem(Item):
    kind: str = ""
    title: str = ""
    status: str = "proposed"
    signed_on: datetime.date | None = None
    parties: list[dict] = field(default_factory=list)  # [{"state": "KZ", "organization": ""}]


@dataclass
class FollowUpItem(Item):
    title: str = ""
    responsible_state: str | None = None
    due_on: datetime.date | None = None


@dataclass
class IndicatorItem(Item):
    metric: str = ""
    value: str = ""  # a decimal, as a string so JSON keeps it exact
    unit: str = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    note: str = ""


@dataclass
class PersonItem(Item):
    name: str = ""
    role: str = ""
    state: str | None = None


@dataclass
class Draft:
    source: SourceInfo
    pair: list[str]
    meetings: list[MeetingItem] = field(default_factory=list)
    instruments: list[InstrumentItem] = field(default_factory=list)
    follow_ups: list[FollowUpItem] = field(default_factory=list)
    indicators: list[IndicatorItem] = field(default_factory=list)
    people: list[PersonItem] = field(default_factory=list)

    def as_json(self) -> dict:
        """The documented shape: dates ISO, kinds and statuses the model's codes, states alpha-2."""
        return _isoformat(asdict(self))


def _isoformat(value):
    if isinstance(value, dict):
        return {key: _isoformat(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_isoformat(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
