"""The register of meetings: reference, title, kind, status, dates, place, host, the states
that took part, the people and organizations present and the instruments signed there (by
their references), sectors, sources and a summary. A meeting can also be named elsewhere by its
title and start date: `Official visit to Astana (2026-01-27)`."""

import datetime
import re

from agreements.models import Instrument, Meeting, Organization, Person
from agreements.register.cells import CellReader, did_you_mean, reference_of, split_list
from agreements.register.records import Layout, Link, Record, constraint_problems

COLUMNS = [
    "reference",
    "title",
    "kind",
    "status",
    "round_number",
    "starts_on",
    "ends_on",
    "place",
    "host",
    "states",
    "people",
    "organizations",
    "instruments",
    "sectors",
    "sources",
    "summary",
]
REQUIRED = ["reference", "title", "kind", "states"]
TITLE_AND_DATE = re.compile(r"(.+?)\s*\((\d{4}-\d\d-\d\d)\)")


class Reader(CellReader):
    columns = COLUMNS
    required = REQUIRED

    def read(self, number: int, cells: dict) -> Record:
        get = self.start(number, cells)
        self.text(get, "reference", Meeting)
        fields = {
            "title": self.text(get, "title", Meeting),
            "kind": self.choice("kind", get["kind"], Meeting.Kind),
            "status": self.choice("status", get["status"], Meeting.Status) or Meeting.Status.HELD,
            "round_number": self.number("round_number", get),
            # A meeting may be scheduled ahead: its dates may be in the future.
            "starts_on": self.date("starts_on", get, future=True),
            "ends_on": self.date("ends_on", get, future=True),
            "place": self.text(get, "place", Meeting),
            "host_id": self.state("host", get["host"]) if get["host"] else None,
            "summary": get["summary"],
        }
        states = self.state_list("states", get["states"])
        if get["states"] and len(states) < 2 and not self.problems_in("states"):
            self.problem("states", "a meeting needs at least two participating states.")
        if not self.problems_in("status", "starts_on", "ends_on"):
            for column, message in constraint_problems(Meeting(**fields)):
                self.problem(column, message)
        names = {
            "states": states,
            "sectors": self.sector_list(get["sectors"]),
            "sources": tuple(sorted(set(split_list(get["sources"])))),
            **{column: tuple(split_list(get[column])) for column in Meetings.links},
        }
        self.finish()
        return Record(get["reference"], fields, names)


class Meetings(Layout):
    model = Meeting
    plain = ["title", "kind", "status", "round_number", "starts_on", "ends_on", "place", "summary"]
    states = {"host": "host_id"}
    lists = {"states": "states", "sectors": "sectors", "sources": "sources"}
    links = {
        "people": Link(Person, m2m="people"),
        "organizations": Link(Organization, m2m="organizations"),
        "instruments": Link(Instrument, reverse="instruments", reverse_field="meeting"),
    }


def find_by_title_and_date(names: set[str]) -> dict:
    """Meetings named as `Title (2026-01-27)`: name -> (pk, reference), or the reason none
    or several are."""
    found = {}
    for name in names:
        match = TITLE_AND_DATE.fullmatch(name)
        if not match:
            continue
        title = match[1]
        try:
            day = datetime.date.fromisoformat(match[2])
        except ValueError:
            found[name] = f"'{match[2]}' is not a date."
            continue
        meetings = list(Meeting.objects.filter(starts_on=day, title=title)[:2])
        if len(meetings) == 1:
            found[name] = (meetings[0].pk, reference_of(meetings[0]))
        elif meetings:
            found[name] = (
                f"two meetings called '{title}' began on {day:%-d %B %Y}: give the reference."
            )
        else:
            that_day = Meeting.objects.filter(starts_on=day).values_list("title", flat=True)
            found[name] = (
                f"no meeting called '{title}' began on {day:%-d %B %Y}"
                f"{did_you_mean(title, that_day, cutoff=0.5)}; import the meetings first."
            )
    return found


LAYOUT = Meetings()
KIND = LAYOUT.kind(
    name="meetings", model=Meeting, columns=COLUMNS, required=REQUIRED, reader=Reader
)
