"""The instruments' columns: what each means, how a row becomes an instrument's record, and how an
instrument becomes a row again (the export), so that both sides read one description.

A record is what a row says of an instrument: its fields, parties, sectors, sources and the dated
steps of its history. A row and an instrument are the same when their records are equal.
"""

import datetime
import difflib
import re
from dataclasses import dataclass

from django.db.models import Prefetch

from agreements.models import Instrument, Sector, Source, State, StatusChange, today

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
    "entry_into_force_rule",
    "entry_into_force_days",
    "entry_into_force_months",
    "entry_into_force_date",
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
    "entry_into_force_rule",
    "entry_into_force_days",
    "entry_into_force_months",
    "entry_into_force_date",
    "duration_years",
    "renews_tacitly",
    "notes",
]

LIST_SEPARATOR = re.compile(r"\s*[;\n]\s*")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y"]
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0"}
# Bilateral's own name for an instrument that has no reference of its own (see `export_row`).
OWN_REFERENCE = re.compile(r"BIL-(\d+)")


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

    def same_as(self, other: "Record") -> bool:
        return (
            self.fields == other.fields
            and self.parties == other.parties
            and self.sectors == other.sectors
            and self.sources == other.sources
            and self.history == other.history
        )


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        where = f"row {self.row}, {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


class RowProblems(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def check_header(header: list[str]) -> list[str]:
    """The header's column names, or the reason the file has the wrong columns."""
    names = [str(name).strip().lower().replace(" ", "_") for name in header]
    while names and not names[-1]:
        names.pop()  # spreadsheets often carry empty trailing columns
    complaints = []
    for name in names:
        if name and name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            complaints.append(f"'{name}' is not a column of the register{hint}")
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        complaints.append(f"the required column(s) {', '.join(missing)} are missing")
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        complaints.append(f"{', '.join(repeated)} appear more than once")
    if complaints:
        raise ValueError(
            "The first row must name the columns (see docs/import.md): "
            + "; ".join(complaints)
            + "."
        )
    return names


class RowReader:
    """Turns one row's cells into a Record, collecting every problem in words."""

    def __init__(self):
        self.states = {}
        self.state_names = {}
        for code, name, official in State.objects.values_list("code", "name", "official_name"):
            self.states[code.lower()] = code
            self.states[name.lower()] = code
            if official:
                self.states[official.lower()] = code
            self.state_names[name] = code
        self.sectors = {}
        for slug, name in Sector.objects.values_list("slug", "name"):
            self.sectors[slug.lower()] = slug
            self.sectors[name.lower()] = slug

    def read(self, number: int, cells: dict[str, str]) -> Record:
        self.number, self.problems = number, []
        get = {name: str(cells.get(name, "") or "").strip() for name in COLUMNS}
        for name in REQUIRED:
            if not get[name]:
                self._problem(name, "is empty; every row needs it.")
        for name in ("reference", "title", "short_title", "signature_place"):
            limit = Instrument._meta.get_field(name).max_length
            if len(get[name]) > limit:
                self._problem(name, f"has {len(get[name])} characters; at most {limit} fit.")
        fields = {
            "title": get["title"],
            "short_title": get["short_title"],
            "kind": self._choice("kind", get["kind"], Instrument.Kind),
            "is_binding": self._yes_no("binding", get["binding"], default=True),
            "level": self._choice("level", get["level"], Instrument.Level)
            or Instrument.Level.GOVERNMENT,
            "signature_place": get["signature_place"],
            "entry_into_force_rule": self._choice(
                "entry_into_force_rule", get["entry_into_force_rule"], Instrument.EntryIntoForceRule
            ),
            "entry_into_force_days": self._number("entry_into_force_days", get),
            "entry_into_force_months": self._number("entry_into_force_months", get),
            "entry_into_force_date": self._date("entry_into_force_date", get, future=True),
            "duration_years": self._number("duration_years", get),
            "renews_tacitly": self._yes_no("renews_tacitly", get["renews_tacitly"], default=False),
            "notes": get["notes"],
        }
        record = Record(
            reference=get["reference"],
            fields=fields,
            parties=self._parties(get["parties"]),
            sectors=self._sectors(get["sectors"]),
            sources=tuple(sorted(set(_split(get["sources"])))),
            history=self._history(get),
        )
        self._check_model(record)
        if self.problems:
            raise RowProblems(self.problems)
        return record

    def _problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))

    def _choice(self, column: str, value: str, choices) -> str:
        if not value:
            return ""
        wanted = " ".join(value.lower().replace("-", " ").replace("_", " ").split())
        for choice_value, label in choices.choices:
            if wanted in (choice_value.replace("_", " "), label.lower()):
                return choice_value
        known = ", ".join(str(label).lower() for label in choices.labels)
        self._problem(column, f"'{value}' is not one of: {known}.")
        return ""

    def _yes_no(self, column: str, value: str, *, default: bool) -> bool:
        if not value:
            return default
        if value.lower() in YES:
            return True
        if value.lower() in NO:
            return False
        self._problem(column, f"'{value}' is neither yes nor no.")
        return default

    def _number(self, column: str, get: dict) -> int | None:
        value = get[column]
        if not value:
            return None
        try:
            number = int(float(value)) if re.fullmatch(r"\d+(\.0+)?", value) else None
        except ValueError:
            number = None
        if number is None or number > 32767:
            self._problem(column, f"'{value}' is not a whole number.")
        return number

    def _date(self, column: str, get: dict, *, future: bool = False) -> datetime.date | None:
        value = get[column]
        if not value:
            return None
        value = value.split("T")[0] if re.match(r"\d{4}-\d\d-\d\dT", value) else value
        for pattern in DATE_FORMATS:
            try:
                on = datetime.datetime.strptime(value, pattern).date()
            except ValueError:
                continue
            if not future and on > today():
                self._problem(column, f"{on:%-d %B %Y} is in the future.")
            return on
        self._problem(
            column, f"'{value}' cannot be read as a date; write it as 2026-01-27 or 27.01.2026."
        )
        return None

    def _parties(self, value: str) -> tuple[str, ...]:
        codes = []
        for name in _split(value):
            code = self.states.get(name.lower())
            if code is None:
                close = difflib.get_close_matches(name, list(self.state_names), n=1, cutoff=0.7)
                hint = f" — did you mean {close[0]}?" if close else ""
                self._problem("parties", f"'{name}' is not a state{hint}")
            elif code in codes:
                self._problem("parties", f"{name} is named twice.")
            else:
                codes.append(code)
        if value and len(codes) < 2 and not self.problems_in("parties"):
            self._problem("parties", "an instrument needs at least two parties.")
        return tuple(sorted(codes))

    def problems_in(self, column: str) -> bool:
        return any(problem.column == column for problem in self.problems)

    def _sectors(self, value: str) -> tuple[str, ...]:
        slugs = set()
        for name in _split(value):
            slug = self.sectors.get(name.lower())
            if slug is None:
                names = [key for key in self.sectors if key not in self.sectors.values()]
                close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.7)
                hint = f" — did you mean {close[0]}?" if close else ""
                self._problem("sectors", f"'{name}' is not a sector{hint}")
            else:
                slugs.add(slug)
        return tuple(sorted(slugs))

    def _history(self, get: dict) -> tuple[Step, ...]:
        """The dated steps in the lifecycle's order, checked against the status map."""
        dated = [
            (status, on)
            for status, column in DATE_COLUMNS.items()
            if (on := self._date(column, get)) is not None
        ]
        termination = self._choice(
            "termination_type", get["termination_type"], Instrument.TerminationType
        )
        if dated and dated[0][0] != Status.PROPOSED:
            # The intent is dated by the first thing known of the instrument.
            dated.insert(0, (Status.PROPOSED, dated[0][1]))
        if not dated:
            self._problem("proposed_on", "give at least the date the intent was stated.")
            return ()
        steps = [Step(Status.PROPOSED, dated[0][1])]
        for status, on in dated[1:]:
            previous = steps[-1]
            column = DATE_COLUMNS[status]
            if status not in Instrument.TRANSITIONS[Status(previous.status)]:
                self._problem(
                    column,
                    f"an instrument that is {Status(previous.status).label.lower()} cannot "
                    f"become {Status(status).label.lower()}; "
                    + _missing_step_hint(Status(previous.status), Status(status)),
                )
            elif on < previous.on:
                self._problem(
                    column,
                    f"{on:%-d %B %Y} is before {DATE_COLUMNS[previous.status]} "
                    f"({previous.on:%-d %B %Y}).",
                )
            steps.append(Step(status, on, termination if status == Status.TERMINATED else ""))
        reached = steps[-1].status
        if reached == Status.TERMINATED and not termination:
            self._problem(
                "termination_type",
                "say how it ended: expired, denounced, replaced or by mutual consent.",
            )
        if termination and reached != Status.TERMINATED:
            self._problem("termination_type", "only a terminated instrument has one.")
        if get["status"]:
            status = self._choice("status", get["status"], Status)
            if status and status != reached:
                column = DATE_COLUMNS[Status(status)]
                if not get[column]:
                    self._problem(
                        "status",
                        f"'{get['status']}' needs the date it was reached, in {column}.",
                    )
                else:
                    self._problem(
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
            self._problem(name, message)


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


def _split(value: str) -> list[str]:
    return [part for part in LIST_SEPARATOR.split(value) if part] if value else []


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
    """Drop what `with_record_parts` fetched. The parts refer back to their instrument, so
    without this each chunk's instruments wait for Python's cycle collector, and memory grows
    with the file."""
    instrument._prefetched_objects_cache = {}
    instrument.__dict__.pop("effective_history", None)


def reference_of(instrument: Instrument) -> str:
    return instrument.reference or f"BIL-{instrument.pk}"


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
