"""The register of meetings: reference, title, kind, status, round and meeting series (named by
the series' title), dates, place, host, the states that took part, the people and organizations
present and the instruments signed there (by their references), sectors, sources and a summary.
A meeting can also be named elsewhere by its title and start date:
`Official visit to Astana (2026-01-27)`."""

import datetime
import re
from collections import defaultdict

from agreements.models import Instrument, Meeting, MeetingSeries, Organization, Person
from agreements.register.cells import (
    CellReader,
    Problem,
    did_you_mean,
    reference_of,
    split_list,
)
from agreements.register.records import Layout, Link, Record, constraint_problems

COLUMNS = [
    "reference",
    "title",
    "kind",
    "status",
    "round_number",
    "series",
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
            "series": (get["series"],) if get["series"] else (),
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
    select = ["series"]

    def record_of(self, obj) -> Record:
        record = super().record_of(obj)
        record.fields["series_id"] = obj.series_id
        record.names["series"] = (obj.series.title,) if obj.series_id else ()
        return record

    def resolve(self, records: list[tuple[int, Record]]) -> list[Problem]:
        return [*super().resolve(records), *self._resolve_series(records)]

    def _resolve_series(self, records: list[tuple[int, Record]]) -> list[Problem]:
        """A row's `series` is the title of a meeting series between two of its states (one
        query for the chunk). A series is not created by an import: its expected interval,
        which makes a round overdue, is the analyst's to say (in the admin), never guessed."""
        titles = {title for _, record in records for title in record.names["series"]}
        by_title = defaultdict(list)
        for series in MeetingSeries.objects.filter(title__in=titles):
            by_title[series.title].append(series)
        problems = []
        for number, record in records:
            record.fields["series_id"] = None
            if not record.names["series"]:
                continue
            [title] = record.names["series"]
            states = set(record.names["states"])
            found = [s for s in by_title[title] if {s.state_a_id, s.state_b_id} <= states]
            if len(found) == 1:
                record.fields["series_id"] = found[0].pk
                continue
            between = " and ".join(sorted(states))
            if found:
                message = (
                    f"{len(found)} meeting series between {between} are called '{title}': "
                    "rename one in the admin."
                )
            else:
                known = MeetingSeries.objects.filter(
                    state_a__in=states, state_b__in=states
                ).values_list("title", flat=True)
                message = f"no meeting series called '{title}' between {between}" + (
                    did_you_mean(title, known, cutoff=0.5)
                    or "; add it in the admin (Meeting series, with its expected interval) first."
                )
            problems.append(Problem(number, "series", message))
        return problems


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
