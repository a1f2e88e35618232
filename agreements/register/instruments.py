"""The instruments' columns: what each means, how a row becomes an instrument's record, and how an
instrument becomes a row again (the export), so that both sides read one description.

A record is what a row says of an instrument: its fields, parties, sectors, sources and the dated
steps of its history. A row and an instrument are the same when their records are equal.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from agreements import services
from agreements.models import Instrument, Sector, Source, State, StatusChange
from agreements.models.entry_into_force import RULE_FIELDS
from agreements.register.cells import (
    OWN_REFERENCE,
    CellReader,
    Kind,
    forget_prefetched,
    reference_of,
    sources_named,
    split_list,
)

Status = Instrument.Status

# Each status a register can date, in the order the lifecycle reaches them.
DATE_COLUMNS = {
    Status.PROPOSED: "proposed_on",
    Status.UNDER_NEGOTIATION: "under_negotiation_on",
    Status.TEXT_AGREED: "text_agreed_on",
    Status.SIGNED: "signed_on",
    Status.PROVISIONALLY_APPLIED: "provisionally_applied_on",
    Status.IN_FORCE: "in_force_on",
    Status.SUSPENDED: "suspended_on",
    Status.TERMINATED: "terminated_on",
    Status.ABANDONED: "abandoned_on",
}

COLUMNS = [
    "reference",
    "title",
    "short_title",
    "kind",
    "binding",
    "level",
    "parties",
    "status",
    *DATE_COLUMNS.values(),
    "termination_type",
    "signature_place",
    *RULE_FIELDS,
    "duration_years",
    "renews_tacitly",
    "sectors",
    "sources",
    "notes",
]
REQUIRED = ["reference", "title", "kind", "parties"]

# Fields copied as they are between a record and the instrument.
PLAIN_FIELDS = [
    "title",
    "short_title",
    "kind",
    "is_binding",
    "level",
    "signature_place",
    *RULE_FIELDS,
    "duration_years",
    "renews_tacitly",
    "notes",
]


@dataclass(frozen=True)
class Step:
    status: str
    on: datetime.date
    termination_type: str = ""


@dataclass
class Record:
    reference: str
    fields: dict
    parties: tuple[str, ...]
    sectors: tuple[str, ...]
    sources: tuple[str, ...]
    history: tuple[Step, ...]


class RowReader(CellReader):
    """Turns one row's cells into an instrument's Record, collecting every problem in words."""

    columns = COLUMNS
    required = REQUIRED

    def read(self, number: int, cells: dict[str, str]) -> Record:
        get = self.start(number, cells)
        for name in ("reference", "title", "short_title", "signature_place"):
            self.text(get, name, Instrument)
        fields = {
            "title": get["title"],
            "short_title": get["short_title"],
            "kind": self.choice("kind", get["kind"], Instrument.Kind),
            "is_binding": self.yes_no("binding", get["binding"], default=True),
            "level": self.choice("level", get["level"], Instrument.Level)
            or Instrument.Level.GOVERNMENT,
            "signature_place": get["signature_place"],
            "entry_into_force_rule": self.choice(
                "entry_into_force_rule", get["entry_into_force_rule"], Instrument.EntryIntoForceRule
            ),
            "entry_into_force_days": self.number("entry_into_force_days", get),
            "entry_into_force_months": self.number("entry_into_force_months", get),
            "entry_into_force_date": self.date("entry_into_force_date", get, future=True),
            "duration_years": self.number("duration_years", get),
            "renews_tacitly": self.yes_no("renews_tacitly", get["renews_tacitly"], default=False),
            "notes": get["notes"],
        }
        record = Record(
            reference=get["reference"],
            fields=fields,
            parties=self._parties(get["parties"]),
            sectors=self.sector_list(get["sectors"]),
            sources=tuple(sorted(set(split_list(get["sources"])))),
            history=self._history(get),
        )
        self._check_model(record)
        self.finish()
        return record

    def _parties(self, value: str) -> tuple[str, ...]:
        codes = self.state_list("parties", value)
        if value and len(codes) < 2 and not self.problems_in("parties"):
            self.problem("parties", "an instrument needs at least two parties.")
        return codes

    def _history(self, get: dict) -> tuple[Step, ...]:
        """The dated steps in the lifecycle's order, checked against the status map."""
        dated = [
            (status, on)
            for status, column in DATE_COLUMNS.items()
            if (on := self.date(column, get)) is not None
        ]
        termination = self.choice(
            "termination_type", get["termination_type"], Instrument.TerminationType
        )
        if dated and dated[0][0] != Status.PROPOSED:
            # The intent is dated by the first thing known of the instrument.
            dated.insert(0, (Status.PROPOSED, dated[0][1]))
        if not dated:
            self.problem("proposed_on", "give at least the date the intent was stated.")
            return ()
        steps = [Step(Status.PROPOSED, dated[0][1])]
        for status, on in dated[1:]:
            previous = steps[-1]
            column = DATE_COLUMNS[status]
            if status not in Instrument.TRANSITIONS[Status(previous.status)]:
                self.problem(
                    column,
                    f"an instrument that is {Status(previous.status).label.lower()} cannot "
                    f"become {Status(status).label.lower()}; "
                    + _missing_step_hint(Status(previous.status), Status(status)),
                )
            elif on < previous.on:
                self.problem(
                    column,
                    f"{on:%-d %B %Y} is before {DATE_COLUMNS[previous.status]} "
                    f"({previous.on:%-d %B %Y}).",
                )
            steps.append(Step(status, on, termination if status == Status.TERMINATED else ""))
        reached = steps[-1].status
        if reached == Status.TERMINATED and not termination:
            self.problem(
                "termination_type",
                "say how it ended: expired, denounced, replaced or by mutual consent.",
            )
        if termination and reached != Status.TERMINATED:
            self.problem("termination_type", "only a terminated instrument has one.")
        if get["status"]:
            status = self.choice("status", get["status"], Status)
            if status and status != reached:
                column = DATE_COLUMNS[Status(status)]
                if not get[column]:
                    self.problem(
                        "status",
                        f"'{get['status']}' needs the date it was reached, in {column}.",
                    )
                else:
                    self.problem(
                        "status",
                        f"'{get['status']}' does not match the dates, which reach "
                        f"'{Status(reached).label.lower()}' ({DATE_COLUMNS[reached]}).",
                    )
        return tuple(steps)

    def _check_model(self, record: Record) -> None:
        """The instrument's own rules (the entry-into-force rule and its parameter), in the
        words the admin and the API use."""
        if any(p.column in ("kind", "level", "entry_into_force_rule") for p in self.problems):
            return
        instrument = Instrument(**record.fields)
        for name, message in _rule_problems(instrument):
            self.problem(name, message)


def _rule_problems(instrument: Instrument):
    """What the rule constraints refuse, checked in Python: asking the database would cost a
    query per constraint per row."""
    rule = instrument.entry_into_force_rule
    parameters = {
        Instrument.EntryIntoForceRule.DAYS_AFTER_LAST_NOTIFICATION: "entry_into_force_days",
        Instrument.EntryIntoForceRule.FIRST_DAY_OF_MONTH_AFTER_LAST_NOTIFICATION: (
            "entry_into_force_months"
        ),
        Instrument.EntryIntoForceRule.FIXED_DATE: "entry_into_force_date",
    }
    for parameter_rule, name in parameters.items():
        given = getattr(instrument, name) is not None
        if rule == parameter_rule and not given:
            label = Instrument.EntryIntoForceRule(rule).label
            yield name, f"the rule '{label}' needs it."
        elif rule != parameter_rule and given:
            yield name, "give it only with the rule that uses it."
    if instrument.entry_into_force_months == 0:
        yield "entry_into_force_months", "must be at least 1."


def _missing_step_hint(current: Status, wanted: Status) -> str:
    if wanted in (Status.IN_FORCE, Status.PROVISIONALLY_APPLIED, Status.TERMINATED):
        return "give signed_on too."
    if wanted == Status.ABANDONED:
        return "abandoned is only for intent that never became a signed text."
    if wanted == Status.SUSPENDED:
        return "give in_force_on too."
    return "check the dates."


# --- Instruments as records (for comparing and exporting) ---------------------------------------


def with_record_parts(queryset):
    """What `record_of` reads, in five queries however many instruments."""
    return queryset.prefetch_related(
        "parties",
        "sectors",
        "sources",
        Prefetch(
            "status_changes",
            StatusChange.objects.effective().in_world_order(),
            to_attr="effective_history",
        ),
    )


def forget_record_parts(instrument: Instrument) -> None:
    forget_prefetched(instrument, "effective_history")


def record_of(instrument: Instrument) -> Record:
    return Record(
        reference=reference_of(instrument),
        fields={name: getattr(instrument, name) for name in PLAIN_FIELDS},
        parties=tuple(sorted(party.state_id for party in instrument.parties.all())),
        sectors=tuple(sorted(sector.slug for sector in instrument.sectors.all())),
        sources=tuple(sorted({source_key(source) for source in instrument.sources.all()})),
        history=tuple(
            Step(change.to_status, change.happened_on, change.termination_type)
            for change in instrument.effective_history
        ),
    )


def source_key(source: Source) -> str:
    return source.url or source.title


def find_existing(references: list[str]) -> dict[str, Instrument]:
    """The instruments these references name: by their own reference, or by Bilateral's
    `BIL-<id>` for one that has none."""
    found = {
        instrument.reference: instrument
        # "<> ''" lets PostgreSQL use the unique index, which holds only instruments that have
        # a reference.
        for instrument in with_record_parts(
            Instrument.objects.filter(reference__in=references).exclude(reference="")
        )
    }
    own = {
        int(match[1]): reference
        for reference in references
        if reference not in found and (match := OWN_REFERENCE.fullmatch(reference))
    }
    if own:
        for instrument in with_record_parts(Instrument.objects.filter(pk__in=own, reference="")):
            found[own[instrument.pk]] = instrument
    return found


def export_row(instrument: Instrument) -> list[str]:
    """One instrument as a row of the register, in COLUMNS order."""
    record = record_of(instrument)
    dates = {DATE_COLUMNS[Status(step.status)]: step.on.isoformat() for step in record.history}
    termination = next((s.termination_type for s in record.history if s.termination_type), "")
    fields = record.fields
    values = {
        "reference": record.reference,
        "title": fields["title"],
        "short_title": fields["short_title"],
        "kind": fields["kind"],
        "binding": "yes" if fields["is_binding"] else "no",
        "level": fields["level"],
        # Parties as codes: exact and short; the import reads names too.
        "parties": "; ".join(record.parties),
        "status": instrument.status,
        **dates,
        "termination_type": termination,
        "signature_place": fields["signature_place"],
        "entry_into_force_rule": fields["entry_into_force_rule"],
        "entry_into_force_days": _text(fields["entry_into_force_days"]),
        "entry_into_force_months": _text(fields["entry_into_force_months"]),
        "entry_into_force_date": _text(fields["entry_into_force_date"]),
        "duration_years": _text(fields["duration_years"]),
        "renews_tacitly": "yes" if fields["renews_tacitly"] else "no",
        "sectors": "; ".join(record.sectors),
        "sources": "; ".join(record.sources),
        "notes": fields["notes"],
    }
    return [values.get(column, "") for column in COLUMNS]


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


# --- Writing ------------------------------------------------------------------------------


class Writer:
    """Writes one record through the services: a new instrument, or the changes to one."""

    def __init__(self, *, filename: str, user):
        self.user = user
        self.reason = f"The register {filename} says otherwise."
        self.note = f"Imported from {filename}."
        self.states = {state.pk: state for state in State.objects.all()}
        self.sectors = {sector.slug: sector for sector in Sector.objects.all()}
        self.sources = {}

    def create(self, records: list[Record]) -> None:
        services.instruments_create_in_bulk(
            instruments=[
                {
                    "fields": {**record.fields, "reference": record.reference},
                    "parties": [self.states[code] for code in record.parties],
                    "sectors": [self.sectors[slug] for slug in record.sectors],
                    "sources": sources_named(record.sources, self.sources),
                    "steps": _steps(record),
                }
                for record in records
            ],
            user=self.user,
            note=self.note,
        )

    def update(self, record: Record, instrument: Instrument) -> None:
        current = record_of(instrument)
        if current.fields != record.fields:
            for name in PLAIN_FIELDS:
                setattr(instrument, name, record.fields[name])
            instrument.full_clean(exclude=["reference"])
            instrument.save(update_fields=[*PLAIN_FIELDS, "updated_at"])
        if current.parties != record.parties:
            services.instrument_set_parties(
                instrument=instrument,
                parties=[{"state": self.states[code]} for code in record.parties],
            )
        if current.sectors != record.sectors:
            instrument.sectors.set([self.sectors[slug] for slug in record.sectors])
        if current.sources != record.sources:
            instrument.sources.set(sources_named(record.sources, self.sources))
        if current.history != record.history:
            services.instrument_rewrite_history(
                instrument=instrument,
                steps=_steps(record),
                reason=self.reason,
                user=self.user,
                note=self.note,
            )


def _steps(record: Record) -> list[tuple]:
    return [(step.status, step.on, step.termination_type) for step in record.history]


KIND = Kind(
    name="instruments",
    model=Instrument,
    columns=COLUMNS,
    required=REQUIRED,
    reader=RowReader,
    find_existing=find_existing,
    record_of=record_of,
    writer=Writer,
    queryset=lambda: with_record_parts(Instrument.objects.all()),
    export_row=export_row,
    forget=forget_record_parts,
)
