"""Coverage: for one state, which standard subjects (`Subject`) each of its relationships covers
and how far each has got (in force, signed, under negotiation, proposed, none), and what a
relationship lacks that most of the state's relationships have. Worked out from the instruments'
subjects and statuses; nothing is stored."""

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
    first: tuple | None = None  # (id, title) of the most advanced, the cell's link

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
    subjects, the partners, the tagged instruments of the state's pairs grouped by cell)."""
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
        (partner, subject): Cell(LEVELS[status], count, (first_id, first_title))
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
    """Per partner and subject: the most advanced status, how many instruments, and the most
    advanced one (by title): one grouped query over the state's pair rows (which carry status
    and title) and the subject tags."""
    rank = " ".join(f"WHEN '{status}' THEN {RANK[level]}" for status, level in LEVELS.items())
    order = f"CASE p.status {rank} END, p.title, p.instrument_id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT CASE WHEN p.state_a = %(code)s THEN p.state_b ELSE p.state_a END,
                   t.subject_id,
                   (array_agg(p.status ORDER BY {order}))[1],
                   count(*),
                   (array_agg(p.instrument_id ORDER BY {order}))[1],
                   (array_agg(p.title ORDER BY {order}))[1]
            FROM agreements_instrumentpair p
            JOIN agreements_instrument_subjects t ON t.instrument_id = p.instrument_id
            WHERE (p.state_a = %(code)s OR p.state_b = %(code)s) AND p.status = ANY(%(statuses)s)
            GROUP BY 1, 2
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
