"""Coverage: for one state, which standard subjects (`Subject`) each of its relationships covers
and how far each has got (in force, signed, under negotiation, proposed, none), and what a
relationship lacks that most of the state's relationships have. Read from the counts of each
pair's instruments per subject and status (`SubjectPairCount`, kept by triggers), so that a
state's grid reads at most partners × subjects × statuses rows however many instruments."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef

from agreements.models import Instrument, InstrumentPair, State, Subject

Status = Instrument.Status

# How far a relationship has got on a subject: its most advanced instrument's status, in four
# levels. A suspended, terminated or abandoned instrument covers nothing.
LEVELS = {
    Status.IN_FORCE: "in_force",
    Status.SIGNED: "signed",
    Status.PROVISIONALLY_APPLIED: "signed",
    Status.TEXT_AGREED: "under_negotiation",
    Status.UNDER_NEGOTIATION: "under_negotiation",
    Status.PROPOSED: "proposed",
}
LEVEL_LABELS = {
    "in_force": "In force",
    "signed": "Signed",
    "under_negotiation": "Under negotiation",
    "proposed": "Proposed",
    "none": "None",
}
RANK = {level: rank for rank, level in enumerate(LEVEL_LABELS)}  # in force first
# A relationship "has" a subject once an instrument on it is signed.
HAS = {"in_force", "signed"}


@dataclass
class Cell:
    level: str = "none"
    count: int = 0  # the instruments on the subject that cover something
    first: tuple | None = None  # (id, title) of the most advanced, latest signed: the cell's link

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]


@dataclass
class Row:
    partner: State
    cells: list  # one Cell per subject, in the grid's order
    lacks: list  # the subjects most of the state's relationships have and this one does not


@dataclass
class Grid:
    state: State
    subjects: list
    rows: list

    @property
    def partner_count(self) -> int:
        return len(self.rows)


def coverage_grid(state: State) -> Grid:
    """The grid of `state` against each partner it shares an instrument with: three queries (the
    subjects, the partners, the cells with their instruments)."""
    code = state.code
    subjects = list(Subject.objects.all())
    # A partner: a state sharing a pair row with this one (an index probe per state).
    pairs = InstrumentPair.objects
    partners = list(
        State.objects.filter(
            Exists(pairs.filter(state_a=code, state_b=OuterRef("code")))
            | Exists(pairs.filter(state_a=OuterRef("code"), state_b=code))
        ).order_by("name")
    )
    cells = {
        (partner, subject): Cell(
            LEVELS[status], count, (first_id, first_title) if first_id is not None else None
        )
        for partner, subject, status, count, first_id, first_title in _tagged_by_cell(code)
    }
    rows = [
        Row(partner, [cells.get((partner.code, s.pk), Cell()) for s in subjects], [])
        for partner in partners
    ]
    # "Most" is more than half of the state's relationships.
    widely_had = [
        index
        for index, _ in enumerate(subjects)
        if sum(row.cells[index].level in HAS for row in rows) * 2 > len(rows)
    ]
    for row in rows:
        row.lacks = [subjects[i] for i in widely_had if row.cells[i].level not in HAS]
    return Grid(state, subjects, rows)


def _tagged_by_cell(code: str) -> list[tuple]:
    """Per partner and subject: the most advanced status, how many instruments cover something,
    and the most advanced one (the latest signed, then by title): one query over the state's
    kept counts, each with its instrument (`SubjectPairCount.first_instrument`), whose title and
    signature date its pair row gives. A level of two statuses (signed or provisionally applied)
    has an instrument of each: the latest signed wins."""
    rank = " ".join(f"WHEN '{status}' THEN {RANK[level]}" for status, level in LEVELS.items())
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH cells AS (
                SELECT state_a, state_b, subject_id, status, first_instrument_id,
                       CASE status {rank} END AS rank,
                       min(CASE status {rank} END) OVER cell AS best,
                       sum(instruments) OVER cell AS covering
                FROM agreements_subjectpaircount
                WHERE (state_a = %(code)s OR state_b = %(code)s)
                    AND status = ANY(%(statuses)s) AND instruments > 0
                WINDOW cell AS (PARTITION BY state_a, state_b, subject_id)
            )
            SELECT DISTINCT ON (1, 2)
                   CASE WHEN c.state_a = %(code)s THEN c.state_b ELSE c.state_a END,
                   c.subject_id, c.status, c.covering, p.instrument_id, p.title
            FROM cells c
            LEFT JOIN agreements_instrumentpair p
                ON (p.state_a, p.state_b, p.instrument_id)
                    = (c.state_a, c.state_b, c.first_instrument_id)
            WHERE c.rank = c.best
            ORDER BY 1, 2, p.signed_on DESC NULLS LAST, p.title, p.instrument_id
            """,
            {"code": code, "statuses": [str(status) for status in LEVELS]},
        )
        return cursor.fetchall()


def grid_csv_rows(grid: Grid):
    """The grid as CSV rows: a partner per line, a subject per column, in words."""
    for row in grid.rows:
        line = {"partner": row.partner.name, "code": row.partner.code}
        for subject, cell in zip(grid.subjects, row.cells, strict=True):
            line[subject.name] = cell.label
        line["lacks"] = "; ".join(subject.name for subject in row.lacks)
        yield line


def grid_csv_header(grid: Grid) -> list[str]:
    return ["partner", "code", *(subject.name for subject in grid.subjects), "lacks"]
