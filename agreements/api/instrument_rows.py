"""The instruments list read as plain rows: one query brings a page of instruments with their
parties, notifications, sectors and sources as arrays, and each row becomes the same dictionary
`InstrumentSerializer` would give (tests compare the two on every instrument they create).

Lists use it because building model instances, prefetching four relations and running the
serializer's fields cost most of a list request; writes and single objects keep the serializer.
"""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef
from django.db.models.functions import JSONObject
from django.utils import timezone

from agreements.entry_into_force import project_terms
from agreements.models import Instrument, InstrumentParty, PartyAction

COLUMNS = [
    "id",
    "title",
    "short_title",
    "kind",
    "is_binding",
    "level",
    "status",
    "signed_on",
    "signature_place",
    "in_force_on",
    "entry_into_force_rule",
    "entry_into_force_days",
    "entry_into_force_months",
    "entry_into_force_date",
    "duration_years",
    "renews_tacitly",
    "meeting_id",
    "notes",
    "created_at",
    "updated_at",
]


def instrument_rows(queryset):
    """The filtered, ordered instruments as dictionaries of COLUMNS plus `party_states`,
    `notifications`, `sector_slugs` and `source_ids`, in the orders the serializer lists them."""
    this = OuterRef("pk")
    parties = (
        InstrumentParty.objects.filter(instrument=this)
        .order_by("state__name")
        .values(json=JSONObject(code=F("state_id"), name=F("state__name")))
    )
    notifications = (
        PartyAction.objects.filter(instrument=this, action=PartyAction.Action.NOTIFICATION)
        .order_by()
        .values(json=JSONObject(code=F("state_id"), on=F("taken_on")))
    )
    sectors = (
        Instrument.sectors.through.objects.filter(instrument=this)
        .order_by("sector__name")
        .values("sector__slug")
    )
    sources = (
        Instrument.sources.through.objects.filter(instrument=this)
        .order_by("-source__published_on", "source__title", "source__id")
        .values("source_id")
    )
    as_of = ["status_as_of"] if "status_as_of" in queryset.query.annotations else []
    return queryset.prefetch_related(None).values(
        *COLUMNS,
        *as_of,
        party_states=ArraySubquery(parties),
        notifications=ArraySubquery(notifications),
        sector_slugs=ArraySubquery(sectors),
        source_ids=ArraySubquery(sources),
    )


def instrument_data(row: dict) -> dict:
    """One row of `instrument_rows` as the API shows an instrument."""
    rule = row["entry_into_force_rule"]
    projection = project_terms(
        rule=rule,
        signed_on=row["signed_on"],
        fixed_on=row["entry_into_force_date"],
        days=row["entry_into_force_days"],
        months=row["entry_into_force_months"],
        parties=[(party["code"], party["name"]) for party in row["party_states"]],
        notified_on={
            step["code"]: datetime.date.fromisoformat(step["on"]) for step in row["notifications"]
        },
    )
    # Asked for a past day (?as_of=): the status then, in the same words as now.
    status = row.get("status_as_of") or row["status"]
    return {
        "id": row["id"],
        "title": row["title"],
        "short_title": row["short_title"],
        "kind": row["kind"],
        "binding": row["is_binding"],
        "level": row["level"],
        "parties": [party["code"] for party in row["party_states"]],
        "status": status,
        "status_label": Instrument.status_label_for(status, row["is_binding"]),
        "signed_on": _day(row["signed_on"]),
        "signed_at": row["signature_place"],
        "in_force_on": _day(row["in_force_on"]),
        "projected_in_force_on": _day(projection.projected_on),
        "missing_steps": [str(step) for step in projection.missing_steps],
        "entry_into_force_rule": {
            "type": rule,
            "days": row["entry_into_force_days"],
            "months": row["entry_into_force_months"],
            "date": _day(row["entry_into_force_date"]),
        }
        if rule
        else None,
        "duration_years": row["duration_years"],
        "renews_tacitly": row["renews_tacitly"],
        "sectors": row["sector_slugs"],
        "meeting": row["meeting_id"],
        "sources": row["source_ids"],
        "notes": row["notes"],
        "created_at": _timestamp(row["created_at"]),
        "updated_at": _timestamp(row["updated_at"]),
    }


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _timestamp(value: datetime.datetime) -> str:
    """As DRF's DateTimeField writes it: in the current time zone, UTC as "Z"."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
