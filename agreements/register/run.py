"""Preview and import of a register (instruments, meetings, follow-ups, organizations or people):
one pass over the file, a chunk of rows at a time, in one transaction that is rolled back unless
every row is good (all or nothing).

Each chunk's existing records are read by reference in a few queries; a row is new (nothing has
its reference), unchanged (its record equals the existing one's) or changed. Writing goes through
each kind's writer (the services, for instruments' histories), and the audit trail's context
names the import and its file.
"""

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from agreements.register.cells import Kind, Problem, RowProblems, header_complaints, header_names
from agreements.register.files import FileRefused, count_rows, detect_format, read_rows
from agreements.register.kinds import KINDS, kind_of_header

CHUNK_ROWS = 500
# The preview lists this many problems; the count says how many there are in all.
PROBLEMS_SHOWN = 500


@dataclass
class Outcome:
    """What a preview found, or an import did."""

    filename: str
    dry_run: bool
    kind: str = "instruments"
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
            f"{self.filename}: read {self.rows_read} rows of {self.kind}; {verb} {self.new}, "
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
    kind: str | None = None,
    user=None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Outcome:
    """Preview (dry_run) or import the register in `path`: of the `kind` given ("meetings"…),
    or else the one its columns tell. Raises FileRefused when the file is not such a register
    at all; anything wrong in its rows is in the outcome, and then nothing is written."""
    file_format = detect_format(path)
    total = count_rows(path, file_format) if progress else None
    rows = read_rows(path, file_format)
    try:
        _, header = next(rows)
    except StopIteration:
        raise FileRefused("The file has no rows.") from None
    columns = header_names(header)
    register = KINDS[kind] if kind else kind_of_header(columns)
    if complaints := header_complaints(columns, register.columns, register.required):
        raise FileRefused(
            f"The first row must name the columns of a register of {register.plural} (see "
            "docs/import.md): " + "; ".join(complaints) + "."
        )
    outcome = Outcome(filename=filename, dry_run=dry_run, kind=register.name)
    writer = register.writer(filename=filename, user=user)
    reader = register.reader()
    seen = {}
    with transaction.atomic(), pghistory.context(import_file=filename, import_id=str(uuid.uuid4())):
        _declare_no_trigger_ignored()
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            records = _read_chunk(chunk, columns, reader, seen, outcome)
            if register.resolve:
                records = _keep_resolved(register.resolve(records), records, outcome)
            _compare_and_write(register, records, writer, outcome)
            if progress:
                progress(outcome.rows_read, total)
        outcome.written = not dry_run and not outcome.problem_count
        if not outcome.written:
            transaction.set_rollback(True)
    return outcome


def _read_chunk(chunk, columns, reader, seen, outcome) -> list[tuple[int, object]]:
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
            records.append((number, reader.read(number, row)))
        except RowProblems as error:
            for problem in error.problems:
                outcome.add_problem(problem)
    return records


def _keep_resolved(problems: list[Problem], records, outcome) -> list:
    """The records whose references to other records were all found; the others' problems."""
    for problem in problems:
        outcome.add_problem(problem)
    refused = {problem.row for problem in problems}
    return [(number, record) for number, record in records if number not in refused]


def _compare_and_write(register: Kind, records, writer, outcome: Outcome) -> None:
    existing = register.find_existing([record.reference for _, record in records])
    new = []
    for number, record in records:
        found = existing.get(record.reference)
        if found is None:
            outcome.new += 1
            new.append((number, record))
            continue
        if record == register.record_of(found):
            outcome.unchanged += 1
            continue
        outcome.changed += 1
        if not outcome.dry_run and not outcome.problem_count:
            _write_or_report(outcome, number, writer.update, record, found)
    if new and not outcome.dry_run and not outcome.problem_count:
        _write_or_report(outcome, new[0][0], writer.create, [r for _, r in new])
    for found in existing.values():
        register.forget(found)


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


def _declare_no_trigger_ignored() -> None:
    """Every audit-trail trigger (django-pgtrigger's) first reads the setting pgtrigger.ignore,
    and when it was never set PostgreSQL raises an error that the check catches in a
    subtransaction of its own: 27,000 of them for 5,000 instruments, a third of the import's
    time (measured: docs/import.md). Set empty for this transaction, no trigger is ignored and
    each check is a plain read."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL pgtrigger.ignore = '{}'")
