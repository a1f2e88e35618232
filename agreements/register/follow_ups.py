"""The register of follow-ups: what was promised, where (a meeting, by its reference or its
title and date, or an instrument by its reference), when, by when, its status and the day it
was reached, who answers for it, what fulfils it, sectors and sources.

A status other than planned is recorded as a progress update dated `status_on`, as a manager
would record it, so the follow-up's history says when and why it changed."""

from django.db.models import Prefetch

from agreements import services
from agreements.models import (
    ActionUpdate,
    FollowUpAction,
    Instrument,
    Meeting,
    Organization,
    Person,
    today,
)
from agreements.register.cells import CellReader, split_list
from agreements.register.meetings import find_by_title_and_date
from agreements.register.records import Layout, Link, Record, constraint_problems

COLUMNS = [
    "reference",
    "title",
    "description",
    "origin_meeting",
    "origin_instrument",
    "agreed_on",
    "due_on",
    "status",
    "status_on",
    "responsible_state",
    "responsible_organization",
    "responsible_contact",
    "result_meeting",
    "result_instrument",
    "sectors",
    "sources",
]
REQUIRED = ["reference", "title", "agreed_on"]
Status = FollowUpAction.Status
MEETING_COLUMNS = ("origin_meeting", "result_meeting")


class Reader(CellReader):
    columns = COLUMNS
    required = REQUIRED

    def read(self, number: int, cells: dict) -> Record:
        get = self.start(number, cells)
        self.text(get, "reference", FollowUpAction)
        fields = {
            "title": self.text(get, "title", FollowUpAction),
            "description": get["description"],
            "agreed_on": self.date("agreed_on", get),
            # A due date is usually ahead.
            "due_on": self.date("due_on", get, future=True),
            "responsible_state_id": (
                self.state("responsible_state", get["responsible_state"])
                if get["responsible_state"]
                else None
            ),
        }
        status = self.choice("status", get["status"], Status) or Status.PLANNED
        status_on = self.date("status_on", get)
        if status_on and fields["agreed_on"] and status_on < fields["agreed_on"]:
            self.problem(
                "status_on",
                f"{status_on:%-d %B %Y} is before agreed_on ({fields['agreed_on']:%-d %B %Y}).",
            )
        if not get["origin_meeting"] and not get["origin_instrument"]:
            self.problem(
                "origin_meeting",
                "say where it was promised: a meeting (origin_meeting) or an instrument "
                "(origin_instrument).",
            )
        elif fields["agreed_on"] and not self.problems_in("due_on"):
            # has_origin is checked above in the register's words; the others in the model's.
            for column, message in constraint_problems(FollowUpAction(**fields)):
                if column not in FollowUps.links:
                    self.problem(column, message)
        names = {
            "status": (status,),
            "sectors": self.sector_list(get["sectors"]),
            "sources": tuple(sorted(set(split_list(get["sources"])))),
            **{column: (get[column],) if get[column] else () for column in FollowUps.links},
        }
        self.finish()
        return Record(get["reference"], fields, names, extra={"status_on": status_on})


class FollowUps(Layout):
    model = FollowUpAction
    plain = ["title", "description", "agreed_on", "due_on"]
    states = {"responsible_state": "responsible_state_id"}
    lists = {"sectors": "sectors", "sources": "sources"}
    links = {
        "origin_meeting": Link(Meeting, attname="origin_meeting_id"),
        "origin_instrument": Link(Instrument, attname="origin_instrument_id"),
        "responsible_organization": Link(Organization, attname="responsible_organization_id"),
        "responsible_contact": Link(Person, attname="responsible_contact_id"),
        "result_meeting": Link(Meeting, attname="result_meeting_id"),
        "result_instrument": Link(Instrument, attname="result_instrument_id"),
    }
    select = list(links)

    def queryset(self):
        return (
            super()
            .queryset()
            .prefetch_related(
                Prefetch(
                    "updates",
                    ActionUpdate.objects.exclude(to_status="").order_by("-happened_on", "-pk"),
                    to_attr="status_updates",
                )
            )
        )

    def forget(self, obj) -> None:
        super().forget(obj)
        obj.__dict__.pop("status_updates", None)

    def record_of(self, obj) -> Record:
        record = super().record_of(obj)
        record.names["status"] = (obj.status,)
        return record

    def extra_cells(self, obj) -> dict:
        reached = next((u for u in obj.status_updates if u.to_status == obj.status), None)
        return {
            "status": obj.status,
            "status_on": reached.happened_on.isoformat() if reached else "",
        }

    def find_by_other_names(self, column: str, names: set[str]) -> dict:
        return find_by_title_and_date(names) if column in MEETING_COLUMNS else {}

    def missing(self, column: str, link: Link, name: str) -> str:
        if column in MEETING_COLUMNS:
            return (
                f"no meeting has the reference '{name}' (a meeting may also be named by its "
                "title and start date: 'Official visit (2026-01-27)'); import the meetings first."
            )
        return super().missing(column, link, name)

    def after_create(self, pairs, writer) -> None:
        """A status other than planned, as the progress update that reached it."""
        changed = [
            (obj, record) for obj, record in pairs if record.names["status"][0] != Status.PLANNED
        ]
        ActionUpdate.objects.bulk_create(
            ActionUpdate(
                action=obj,
                happened_on=record.extra["status_on"] or record.fields["agreed_on"],
                note=writer.note,
                from_status=Status.PLANNED,
                to_status=record.names["status"][0],
                recorded_by=writer.user,
            )
            for obj, record in changed
        )
        for status in Status:
            pks = [obj.pk for obj, record in changed if record.names["status"][0] == status]
            if pks:
                FollowUpAction.objects.filter(pk__in=pks).update(status=status)

    def after_update(self, record: Record, obj, writer) -> None:
        status = record.names["status"][0]
        if status != obj.status:
            services.action_record_update(
                action=obj,
                note=writer.note,
                happened_on=record.extra["status_on"] or today(),
                to_status=status,
                user=writer.user,
            )


LAYOUT = FollowUps()
KIND = LAYOUT.kind(
    name="follow-ups", model=FollowUpAction, columns=COLUMNS, required=REQUIRED, reader=Reader
)
