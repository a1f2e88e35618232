"""Reading a register's cells, the same way for every kind of register (instruments, meetings,
follow-ups, organizations, people): the header, choices, dates, numbers, yes/no, states and
sectors by name, each problem in words next to its row and column, with the nearest known name
when a name is not known ("did you mean Kazakhstan?")."""

import datetime
import difflib
import re
from dataclasses import dataclass

from agreements.models import Sector, Source, State, today
from agreements.models.dates import LATEST_DATE

LIST_SEPARATOR = re.compile(r"\s*[;\n]\s*")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y"]
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0"}
# Bilateral's own name for a record that has no reference of its own (see `reference_of`).
OWN_REFERENCE = re.compile(r"BIL-(\d+)")


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


def header_names(header: list) -> list[str]:
    """The header's names as the columns are spelt: any case, a space counting as '_'."""
    names = [str(name).strip().lower().replace(" ", "_") for name in header]
    while names and not names[-1]:
        names.pop()  # spreadsheets often carry empty trailing columns
    return names


def header_complaints(names: list[str], columns: list[str], required: list[str]) -> list[str]:
    """What is wrong with these column names for a register with these columns."""
    complaints = []
    for name in names:
        if name and name not in columns:
            close = difflib.get_close_matches(name, columns, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            complaints.append(f"'{name}' is not a column of the register{hint}")
    missing = [name for name in required if name not in names]
    if missing:
        complaints.append(f"the required column(s) {', '.join(missing)} are missing")
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        complaints.append(f"{', '.join(repeated)} appear more than once")
    return complaints


def reference_of(record) -> str:
    """The name a register gives a record: its own reference, or Bilateral's `BIL-<id>`."""
    return record.reference or f"BIL-{record.pk}"


def split_list(value: str) -> list[str]:
    return [part for part in LIST_SEPARATOR.split(value) if part] if value else []


def did_you_mean(name: str, known, *, cutoff: float = 0.7) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=cutoff)
    return f" — did you mean {close[0]}?" if close else ""


class CellReader:
    """Turns one row's cells into a record, collecting every problem of the row in words.
    Each kind of register subclasses it with its `read`."""

    columns: list[str] = []
    required: list[str] = []

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

    def start(self, number: int, cells: dict[str, str]) -> dict[str, str]:
        """Begin a row: its cells by column, stripped, and the check of the required ones."""
        self.row_number, self.problems = number, []
        get = {name: str(cells.get(name, "") or "").strip() for name in self.columns}
        for name in self.required:
            if not get[name]:
                self.problem(name, "is empty; every row needs it.")
        return get

    def finish(self):
        if self.problems:
            raise RowProblems(self.problems)

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row_number, column, message))

    def problems_in(self, *columns: str) -> bool:
        return any(problem.column in columns for problem in self.problems)

    def text(self, get: dict, column: str, model) -> str:
        """A text cell, refused when longer than the model's field holds."""
        value = get[column]
        limit = model._meta.get_field(column).max_length
        if limit and len(value) > limit:
            self.problem(column, f"has {len(value)} characters; at most {limit} fit.")
        return value

    def choice(self, column: str, value: str, choices) -> str:
        """A choice by its value or its label, any case; a near miss gets a suggestion."""
        if not value:
            return ""
        wanted = " ".join(value.lower().replace("-", " ").replace("_", " ").split())
        for choice_value, label in choices.choices:
            if wanted in (choice_value.replace("_", " "), label.lower()):
                return choice_value
        labels = [str(label).lower() for label in choices.labels]
        close = difflib.get_close_matches(wanted, labels, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.problem(column, f"'{value}' is not one of: {', '.join(labels)}.{hint}")
        return ""

    def yes_no(self, column: str, value: str, *, default: bool) -> bool:
        if not value:
            return default
        if value.lower() in YES:
            return True
        if value.lower() in NO:
            return False
        self.problem(column, f"'{value}' is neither yes nor no.")
        return default

    def number(self, column: str, get: dict) -> int | None:
        value = get[column]
        if not value:
            return None
        number = int(float(value)) if re.fullmatch(r"\d+(\.0+)?", value) else None
        if number is None or number > 32767:
            self.problem(column, f"'{value}' is not a whole number.")
        return number

    def date(self, column: str, get: dict, *, future: bool = False) -> datetime.date | None:
        """A date in one of the usual spellings; in the future only where `future` allows it,
        and never past the bound every date field of the models has (LATEST_DATE)."""
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
                self.problem(column, f"{on:%-d %B %Y} is in the future.")
            elif on > LATEST_DATE:
                self.problem(column, f"{on:%-d %B %Y} is too far ahead.")
            return on
        self.problem(
            column, f"'{value}' cannot be read as a date; write it as 2026-01-27 or 27.01.2026."
        )
        return None

    def state(self, column: str, name: str) -> str | None:
        """A state's code from its ISO code or English name."""
        code = self.states.get(name.lower())
        if code is None:
            self.problem(column, f"'{name}' is not a state{did_you_mean(name, self.state_names)}")
        return code

    def state_list(self, column: str, value: str) -> tuple[str, ...]:
        codes = []
        for name in split_list(value):
            code = self.state(column, name)
            if code is None:
                continue
            if code in codes:
                self.problem(column, f"{name} is named twice.")
            else:
                codes.append(code)
        return tuple(sorted(codes))

    def sector_list(self, value: str) -> tuple[str, ...]:
        slugs = set()
        for name in split_list(value):
            slug = self.sectors.get(name.lower())
            if slug is None:
                names = [key for key in self.sectors if key not in self.sectors.values()]
                self.problem(
                    "sectors", f"'{name}' is not a sector{did_you_mean(name.lower(), names)}"
                )
            else:
                slugs.add(slug)
        return tuple(sorted(slugs))


@dataclass(frozen=True)
class Kind:
    """One kind of register (instruments, meetings…): what `run` and `export` need of it.

    `reader()` reads a row into a record (a dataclass whose equality says "unchanged");
    `resolve(records)` finds, a chunk at a time, the records of other kinds a row names by
    reference and returns the problems of those it cannot find; `find_existing(references)`
    gives the objects these references name, with what `record_of` reads; `writer(filename=,
    user=)` has `create(records)` and `update(record, obj)`; `queryset()` and `export_row(obj)`
    are the export; `forget(obj)` drops what was prefetched, so memory stays flat."""

    name: str
    model: type
    columns: list[str]
    required: list[str]
    reader: type
    find_existing: object
    record_of: object
    writer: type
    queryset: object
    export_row: object
    forget: object
    resolve: object = None

    @property
    def noun(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)


def sources_named(keys, known: dict) -> list[Source]:
    """The sources a register names by their URL or their title; one not yet known is added.
    `known` (key -> Source) is the importer's memory of the keys it has already met."""
    found = []
    for key in keys:
        if key not in known:
            is_url = key.startswith(("http://", "https://"))
            lookup = {"url": key} if is_url else {"title": key, "url": ""}
            source = Source.objects.filter(**lookup).order_by("pk").first()
            known[key] = source or Source.objects.create(**{**lookup, "title": key[:300]})
        found.append(known[key])
    return found


def forget_prefetched(obj, *attributes: str) -> None:
    """Drop what a prefetch fetched. The parts refer back to their object, so without this each
    chunk's objects wait for Python's cycle collector, and memory grows with the file."""
    obj._prefetched_objects_cache = {}
    for attribute in attributes:
        obj.__dict__.pop(attribute, None)
