"""Coverage: for one state, which standard subjects (`Subject`) each of its relationships covers
and how far each has got (in force, signed, under negotiation, proposed, none), and what a
relationship lacks that most of the state's relationships have. Worked out from the instruments'
subjects and statuses; nothing is stored."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

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
    instruments: list = field(default_factory=list)  # (id, title, level), best first

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
    subjects, the partners, the tagged instruments of the state's pairs)."""
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
    tagged = (
        Instrument.subjects.through.objects.filter(
            Q(instrument__pairs__state_a=code) | Q(instrument__pairs__state_b=code),
            instrument__status__in=list(LEVELS),
        )
        .values_list(
            "subject_id",
            "instrument__pairs__state_a",
            "instrument__pairs__state_b",
            "instrument_id",
            "instrument__title",
            "instrument__status",
        )
        .order_by("instrument__title", "instrument_id")
    )
    cells = {}
    for subject_id, first, second, instrument_id, title, status in tagged:
        partner = second if first == code else first
        cell = cells.setdefault((partner, subject_id), Cell())
        level = LEVELS[status]
        cell.instruments.append((instrument_id, title, level))
        if RANK[level] < RANK[cell.level]:
            cell.level = level
    for cell in cells.values():
        cell.instruments.sort(key=lambda item: RANK[item[2]])
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
