"""Preview and import of a register of instruments: one pass over the file, a chunk of rows at a
time, in one transaction that is rolled back unless every row is good (all or nothing).

Each chunk's instruments are read by reference in five queries; a row is new (no instrument has
its reference), unchanged (its record equals the instrument's) or changed. Writing goes through
the services, so every instrument gets the status history its dates describe, and the audit
trail's context names the import and its file.
"""

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements import services
from agreements.models import Instrument, Sector, Source, State
from agreements.register.files import FileRefused, count_rows, detect_format, read_rows
from agreements.register.instruments import (
    PLAIN_FIELDS,
    Problem,
    Record,
    RowProblems,
    RowReader,
    check_header,
    find_existing,
    forget_record_parts,
    record_of,
)

CHUNK_ROWS = 500
# The preview lists this many problems; the count says how many there are in all.
PROBLEMS_SHOWN = 500


@dataclass
class Outcome:
    """What a preview found, or an import did."""

    filename: str
    dry_run: bool
    rows_read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def summary(self) -> str:
        verb = "would add" if not self.written else "added"
        change_verb = "change" if not self.written else "changed"
        return (
            f"{self.filename}: read {self.rows_read} rows; {verb} {self.new}, "
            f"{change_verb} {self.changed}, left {self.unchanged} alone"
            + (
                f"; {self.problem_count} problem{'s' * (self.problem_count > 1)}"
                if self.problem_count
                else ""
            )
            + "."
        )

    def add_problem(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_SHOWN:
            self.problems.append(problem)


def import_register(
    path: Path,
    *,
    filename: str,
    dry_run: bool,
    user=None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Outcome:
    """Preview (dry_run) or import the register in `path`. Raises FileRefused when the file is
    not a register at all; anything wrong in its rows is in the outcome, and then nothing is
    written."""
    kind = detect_format(path)
    total = count_rows(path, kind) if progress else None
    rows = read_rows(path, kind)
    try:
        _, header = next(rows)
    except StopIteration:
        raise FileRefused("The file has no rows.") from None
    try:
        columns = check_header(header)
    except ValueError as error:
        raise FileRefused(str(error)) from None
    outcome = Outcome(filename=filename, dry_run=dry_run)
    writer = _Writer(filename=filename, user=user)
    reader = RowReader()
    seen = {}
    with transaction.atomic(), pghistory.context(import_file=filename, import_id=str(uuid.uuid4())):
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            records = []
            for number, cells in chunk:
                if not any(str(cell).strip() for cell in cells):
                    continue
                outcome.rows_read += 1
                row = dict(zip(columns, cells, strict=False))
                reference = str(row.get("reference", "")).strip()
                if reference and reference in seen:
                    outcome.add_problem(
                        Problem(
                            number,
                            "reference",
                            f"'{reference}' is also the reference of row {seen[reference]}.",
                        )
                    )
                    continue
                seen[reference] = number
                try:
                    record = reader.read(number, row)
                except RowProblems as error:
                    for problem in error.problems:
                        outcome.add_problem(problem)
                    continue
                records.append((number, record))
            existing = find_existing([record.reference for _, record in records])
            new = []
            for number, record in records:
                instrument = existing.get(record.reference)
                if instrument is None:
                    outcome.new += 1
                    new.append((number, record))
                    continue
                if record.same_as(record_of(instrument)):
                    outcome.unchanged += 1
                    continue
                outcome.changed += 1
                if not dry_run and not outcome.problem_count:
                    _write_or_report(outcome, number, writer.update, record, instrument)
            if new and not dry_run and not outcome.problem_count:
                _write_or_report(outcome, new[0][0], writer.create, [r for _, r in new])
            for instrument in existing.values():
                forget_record_parts(instrument)
            if progress:
                progress(outcome.rows_read, total)
        outcome.written = not dry_run and not outcome.problem_count
        if not outcome.written:
            transaction.set_rollback(True)
    return outcome


class _Writer:
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
                    "sources": self._sources(record.sources),
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
            instrument.sources.set(self._sources(record.sources))
        if current.history != record.history:
            services.instrument_rewrite_history(
                instrument=instrument,
                steps=_steps(record),
                reason=self.reason,
                user=self.user,
                note=self.note,
            )

    def _sources(self, keys) -> list[Source]:
        """A source named by its URL or its title; one not yet known is added."""
        found = []
        for key in keys:
            if key not in self.sources:
                is_url = key.startswith(("http://", "https://"))
                lookup = {"url": key} if is_url else {"title": key, "url": ""}
                source = Source.objects.filter(**lookup).order_by("pk").first()
                self.sources[key] = source or Source.objects.create(
                    **{**lookup, "title": key[:300]}
                )
            found.append(self.sources[key])
        return found


def _steps(record: Record) -> list[tuple]:
    return [(step.status, step.on, step.termination_type) for step in record.history]


def _write_or_report(outcome: Outcome, number: int, write, *args) -> None:
    """Run one write; a refusal (a rule the checks above missed, or a row written meanwhile by
    someone else) becomes a problem of the row, and then nothing is written."""
    try:
        write(*args)
    except ValidationError as error:
        for message in error.messages:
            outcome.add_problem(Problem(number, "", message))
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "")
        outcome.add_problem(
            Problem(number, "", f"the database refused it ({constraint or error}).")
        )
