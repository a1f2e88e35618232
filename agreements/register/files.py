"""Reading a register file: CSV or Excel (.xlsx), told apart by their content, never by their
name, and read a row at a time so that memory stays flat however long the file is."""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from agreements.lists.csv_file import read_cell

XLSX_MAGIC = b"PK\x03\x04"


class FileRefused(Exception):
    """The file cannot be read as a register at all: nothing of it is imported."""


def max_bytes() -> int:
    return settings.REGISTER_IMPORT_MAX_BYTES


def detect_format(path: Path) -> str:
    """'xlsx' or 'csv', from the bytes; anything else is refused in words."""
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("The file is empty.")
    if size > max_bytes():
        raise FileRefused(
            f"The file is {size / 1_000_000:.1f} MB; the limit is "
            f"{max_bytes() / 1_000_000:.0f} MB. Split it into several files."
        )
    with path.open("rb") as file:
        head = file.read(64 * 1024)
    if head.startswith(XLSX_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise FileRefused("This is a ZIP archive, not an Excel workbook (.xlsx) or a CSV file.")
    if b"\x00" in head:
        raise FileRefused(
            "This is not a CSV file or an Excel workbook (.xlsx). Older Excel files (.xls) must "
            "be saved as .xlsx or CSV first."
        )
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The head may end inside a multi-byte character; only an error before that counts.
        if error.start < len(head) - 4:
            raise FileRefused(
                "The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8 (comma delimited)'."
            ) from None
    return "csv"


def count_rows(path: Path, kind: str) -> int | None:
    """How many data rows the file has, when that is cheap to know (for the progress line)."""
    if kind == "csv":
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as file:
            return max(sum(1 for _ in csv.reader(file, delimiter=_delimiter(path))) - 1, 0)
    return None


def read_rows(path: Path, kind: str) -> Iterator[tuple[int, list]]:
    """(row number as the spreadsheet shows it, cells) for every row, the header first."""
    if kind == "xlsx":
        yield from _xlsx_rows(path)
    else:
        yield from _csv_rows(path)


def _delimiter(path: Path) -> str:
    # Excel in many European locales saves CSV with semicolons; the header line tells which.
    with path.open(encoding="utf-8-sig", errors="replace") as file:
        header = file.readline()
    return ";" if header.count(";") > header.count(",") else ","


def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    delimiter = _delimiter(path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        try:
            for number, cells in enumerate(csv.reader(file, delimiter=delimiter), start=1):
                # A cell the export quoted so that no spreadsheet runs it ('=…) reads as it was.
                yield number, [read_cell(cell) for cell in cells]
        except UnicodeDecodeError:
            raise FileRefused(
                "The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8 (comma delimited)'."
            ) from None
        except csv.Error as error:
            raise FileRefused(f"The CSV file cannot be read: {error}.") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    # An open file, not the path: given a path, openpyxl refuses any name that does not end in
    # .xlsx, and the admin holds an upload under a name of its own (the kind is told from the
    # content, never the name).
    with path.open("rb") as handle:
        try:
            # Read-only mode streams the sheet's XML instead of building every cell in memory.
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise FileRefused(f"The Excel workbook cannot be read ({error}).") from None
        try:
            sheet = workbook.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(value) for value in row]
        finally:
            workbook.close()


def _cell_text(value) -> str:
    """A cell as the text a CSV would hold: dates in ISO form, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_xlsx(header: list[str], rows: Iterator[list[str]], *, sheet: str) -> bytes:
    """An Excel workbook of one sheet, written in openpyxl's streaming mode. Every cell is
    written as text: openpyxl would store a value that begins with '=' as a formula, which
    Excel runs when the file is opened; as text it is shown, and read back, as it is."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)

    def text_cells(values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(worksheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        return cells

    worksheet.append(text_cells(header))
    for row in rows:
        worksheet.append(text_cells(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
