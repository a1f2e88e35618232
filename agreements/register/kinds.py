"""The kinds of register Bilateral reads and writes, and how a file's header tells which one
it is (`import_register` without `--kind`)."""

from agreements.register import follow_ups, instruments, meetings, organizations, people
from agreements.register.cells import Kind, header_complaints
from agreements.register.files import FileRefused

# In the order a whole register is imported: each kind names only kinds before it.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        organizations.KIND,
        people.KIND,
        instruments.KIND,
        meetings.KIND,
        follow_ups.KIND,
    )
}


def kind_of_header(names: list[str]) -> Kind:
    """The one kind of register whose columns these are. When none fits, the kind that knows
    most of them, so that the header's check says what is wrong in its terms."""
    named = [name for name in names if name]
    fits = [
        kind for kind in KINDS.values() if not header_complaints(named, kind.columns, kind.required)
    ]
    if len(fits) > 1:
        raise FileRefused(
            "These columns fit a register of "
            + " and of ".join(kind.plural for kind in fits)
            + ": say which (import_register --kind, or Import on that list in the admin)."
        )
    if fits:
        return fits[0]
    # On a tie, instruments: the register most files are.
    return max(
        KINDS.values(),
        key=lambda kind: (sum(name in kind.columns for name in named), kind.name == "instruments"),
    )
