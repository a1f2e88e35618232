"""How the API shows an instrument, everywhere: the list, the detail, the answers to writes and
transitions (`InstrumentSerializer.to_representation` reads one row here) and the CSV. One query
brings a page of instruments with their parties, notifications, sectors and sources as arrays,
and `instrument_data` makes each row the dictionary the API gives.

Built from plain rows because building model instances, prefetching four relations and running a
serializer's fields cost most of a list request; the serializer only parses writes and describes
the answer in the schema.

The rows carry the parties' codes only; their names (to list them by name and to name a missing
notification) come from memory (`state_names`). Joining the states inside the row query cost
more than half of it: PostgreSQL hashed the 249 states once per row.
"""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, CharField, JSONField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from agreements.models import Instrument, PartyAction, State, versions
from agreements.models.entry_into_force import RULE_FIELDS, project_terms

COLUMNS = [
    "id",
    "reference",
    "title",
    "short_title",
    "kind",
    "is_binding",
    "level",
    "status",
    "signed_on",
    "signature_place",
    "in_force_on",
    *RULE_FIELDS,
    "duration_years",
    "renews_tacitly",
    "notice_months",
    "meeting_id",
    "notes",
    "created_at",
    "updated_at",
]


def instrument_rows(queryset):
    """The filtered, ordered instruments as dictionaries of COLUMNS plus `party_codes` (in no
    order), `notifications`, `link_rows`, `sector_slugs`, `subject_slugs` and `source_ids` (in
    the orders the serializer lists them)."""
    as_of = ["status_as_of"] if "status_as_of" in queryset.query.annotations else []
    return queryset.prefetch_related(None).values(*COLUMNS, *as_of, **_arrays())


# Each row's arrays, as SQL of their own: built as ORM subqueries, compiling the four cost a
# sixth of a list request. "agreements_instrument" is the list's own table: Django names a
# query's first table after itself. The orders are the serializer's.
ARRAYS = {
    "party_codes": (
        "SELECT state_id FROM agreements_instrumentparty"
        " WHERE instrument_id = agreements_instrument.id",
        CharField(),
    ),
    "notifications": (
        "SELECT jsonb_build_object('code', state_id, 'on', taken_on) FROM agreements_partyaction"
        " WHERE instrument_id = agreements_instrument.id"
        f" AND action = '{PartyAction.Action.NOTIFICATION}'",
        JSONField(),
    ),
    "sector_slugs": (
        "SELECT sector.slug FROM agreements_instrument_sectors link"
        " JOIN agreements_sector sector ON sector.id = link.sector_id"
        " WHERE link.instrument_id = agreements_instrument.id ORDER BY sector.name",
        CharField(),
    ),
    "link_rows": (
        "SELECT jsonb_build_object('relation', relation, 'target', target_id)"
        " FROM agreements_instrumentlink WHERE instrument_id = agreements_instrument.id"
        " ORDER BY relation, target_id",
        JSONField(),
    ),
    "subject_slugs": (
        "SELECT subject.slug FROM agreements_instrument_subjects link"
        " JOIN agreements_subject subject ON subject.id = link.subject_id"
        " WHERE link.instrument_id = agreements_instrument.id ORDER BY subject.name",
        CharField(),
    ),
    "source_ids": (
        "SELECT link.source_id FROM agreements_instrument_sources link"
        " JOIN agreements_source source ON source.id = link.source_id"
        " WHERE link.instrument_id = agreements_instrument.id"
        " ORDER BY source.published_on DESC, source.title, link.source_id",
        BigIntegerField(),
    ),
}


def _arrays() -> dict[str, RawSQL]:
    return {
        name: RawSQL(f"ARRAY({sql})", [], output_field=ArrayField(field))
        for name, (sql, field) in ARRAYS.items()
    }


def state_names() -> dict[str, str]:
    """Every state's name, by code: kept in this process's memory under the states' own
    version (`versions().states`, which every write to the states moves), so that a renamed
    state is shown by its new name at once, while writes to other tables leave the names warm
    (a cold list made a Redis read and write for them after every write: docs/performance.md)."""
    version = versions().states
    if version is None:  # this transaction has written: its version names nothing
        return dict(State.objects.values_list("code", "name"))
    kept_version, names = _kept_names[0]
    if kept_version != version:
        # Read after the version: at least as new as it. One slot, replaced whole.
        names = dict(State.objects.values_list("code", "name"))
        _kept_names[0] = (version, names)
    return names


_kept_names = [(None, {})]  # (the states' version, their names by code): this process's


def instrument_data(rows):
    """Each row of `instrument_rows` as the API shows an instrument (a generator, for the CSV
    export's stream)."""
    names = state_names()
    zone = timezone.get_current_timezone()
    for row in rows:
        yield _instrument(row, names, zone)


def _instrument(row: dict, names: dict[str, str], zone: datetime.tzinfo) -> dict:
    """One row as the API shows an instrument, its timestamps in `zone`."""
    parties = sorted(row["party_codes"], key=names.__getitem__)
    rule = row["entry_into_force_rule"]
    projection = project_terms(
        rule=rule,
        signed_on=row["signed_on"],
        fixed_on=row["entry_into_force_date"],
        days=row["entry_into_force_days"],
        months=row["entry_into_force_months"],
        parties=[(code, names[code]) for code in parties],
        notified_on={
            step["code"]: datetime.date.fromisoformat(step["on"]) for step in row["notifications"]
        },
    )
    # Asked for a past day (?as_of=): the status then, in the same words as now.
    status = row.get("status_as_of") or row["status"]
    return {
        "id": row["id"],
        "reference": row["reference"],
        "title": row["title"],
        "short_title": row["short_title"],
        "kind": row["kind"],
        "binding": row["is_binding"],
        "level": row["level"],
        "parties": parties,
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
        "notice_months": row["notice_months"],
        # jsonb orders an object's keys by length: put them back in the serializer's order.
        "links": [
            {"relation": link["relation"], "target": link["target"]} for link in row["link_rows"]
        ],
        "sectors": row["sector_slugs"],
        "subjects": row["subject_slugs"],
        "meeting": row["meeting_id"],
        "sources": row["source_ids"],
        "notes": row["notes"],
        "created_at": _timestamp(row["created_at"], zone),
        "updated_at": _timestamp(row["updated_at"], zone),
    }


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _timestamp(value: datetime.datetime, zone: datetime.tzinfo) -> str:
    """As DRF's DateTimeField writes it: in the current time zone, UTC as "Z"."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
