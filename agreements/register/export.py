"""A register as it goes out: every record of a kind in the columns the import reads, read a
chunk at a time so that memory stays flat, as CSV (through the one formula-safe writer,
`agreements.lists.csv_file`) or Excel."""

from collections.abc import Iterator

from agreements.lists.csv_file import csv_lines
from agreements.register.files import write_xlsx
from agreements.register.kinds import KINDS

CHUNK_ROWS = 1000


def register_rows(kind: str = "instruments") -> Iterator[list[str]]:
    """One row per record, oldest first (by id), so an export reads in the order it grew."""
    register = KINDS[kind]
    for obj in register.queryset().order_by("pk").iterator(CHUNK_ROWS):
        yield register.export_row(obj)
        register.forget(obj)


def register_csv_lines(kind: str = "instruments") -> Iterator[str]:
    return csv_lines(register_rows(kind), KINDS[kind].columns, header_when_empty=True)


def register_xlsx(kind: str = "instruments") -> bytes:
    return write_xlsx(KINDS[kind].columns, register_rows(kind), sheet=kind)
