"""The register as it goes out: every instrument in the columns the import reads, read a chunk at
a time so that memory stays flat."""

from collections.abc import Iterator

from agreements.models import Instrument
from agreements.register.files import write_xlsx
from agreements.register.instruments import (
    COLUMNS,
    export_row,
    forget_record_parts,
    with_record_parts,
)

CHUNK_ROWS = 1000


def register_rows(queryset=None) -> Iterator[list[str]]:
    """One row per instrument, oldest first (by id), so an export reads in the order it grew."""
    queryset = (queryset if queryset is not None else Instrument.objects.all()).order_by("pk")
    for instrument in with_record_parts(queryset).iterator(CHUNK_ROWS):
        yield export_row(instrument)
        forget_record_parts(instrument)


def register_xlsx(queryset=None) -> bytes:
    return write_xlsx(COLUMNS, register_rows(queryset))
