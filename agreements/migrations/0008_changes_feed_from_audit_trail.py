"""The changes feed is now written from the audit trail: a trigger on each event table (migration
0007) turns every recorded insert, update and delete into a line of the feed, and the triggers of
migration 0005 on the tables themselves are dropped. Feed and audit trail can no longer disagree.

Rows that existed before the audit trail (the states and sectors of migration 0002, or all data
of a database being upgraded) get a "baseline" event holding their state at this point, so the
first change to each has something to be compared with. They are in the feed already (0005).
"""

from django.db import migrations

# event table: (object type, column holding the object's id, fixed action or "", lookup or "")
# A lookup "table.column" finds the object through the row the column points at: a party action's
# sources belong to the party action's instrument.
FEED = {
    "agreements_stateevent": ("state", "code", "", ""),
    "agreements_sectorevent": ("sector", "id", "", ""),
    "agreements_organizationevent": ("organization", "id", "", ""),
    "agreements_personevent": ("person", "id", "", ""),
    "agreements_sourceevent": ("source", "id", "", ""),
    "agreements_meetingevent": ("meeting", "id", "", ""),
    "agreements_meetingstatesevent": ("meeting", "meeting_id", "update", ""),
    "agreements_meetingpeopleevent": ("meeting", "meeting_id", "update", ""),
    "agreements_meetingorganizationsevent": ("meeting", "meeting_id", "update", ""),
    "agreements_meetingsectorsevent": ("meeting", "meeting_id", "update", ""),
    "agreements_meetingsourcesevent": ("meeting", "meeting_id", "update", ""),
    "agreements_instrumentevent": ("instrument", "id", "", ""),
    "agreements_instrumentsectorsevent": ("instrument", "instrument_id", "update", ""),
    "agreements_instrumentsourcesevent": ("instrument", "instrument_id", "update", ""),
    "agreements_instrumentpartyevent": ("instrument", "instrument_id", "update", ""),
    "agreements_partyactionevent": ("instrument", "instrument_id", "update", ""),
    "agreements_partyactionsourcesevent": (
        "instrument",
        "partyaction_id",
        "update",
        "agreements_partyaction.instrument_id",
    ),
    "agreements_instrumentlinkevent": ("instrument", "instrument_id", "update", ""),
    "agreements_statuschangeevent": ("instrument", "instrument_id", "status_change", ""),
    "agreements_statuschangesourcesevent": (
        "instrument",
        "statuschange_id",
        "update",
        "agreements_statuschange.instrument_id",
    ),
    "agreements_followupactionevent": ("action", "id", "", ""),
    "agreements_followupactionsectorsevent": ("action", "followupaction_id", "update", ""),
    "agreements_followupactionsourcesevent": ("action", "followupaction_id", "update", ""),
    "agreements_actionupdateevent": ("action", "action_id", "update", ""),
    "agreements_actionupdatesourcesevent": (
        "action",
        "actionupdate_id",
        "update",
        "agreements_actionupdate.action_id",
    ),
    "agreements_indicatorevent": ("indicator", "id", "", ""),
    "agreements_indicatorsourcesevent": ("indicator", "indicator_id", "update", ""),
}

FUNCTION = """
CREATE FUNCTION agreements_feed_from_event() RETURNS trigger AS $$
DECLARE
    row_data jsonb := to_jsonb(NEW);
    object_id text := row_data->>TG_ARGV[1];
    what text := TG_ARGV[2];
    lookup text := TG_ARGV[3];
BEGIN
    IF lookup <> '' THEN
        EXECUTE format('SELECT %I::text FROM %I WHERE id = $1',
                       split_part(lookup, '.', 2), split_part(lookup, '.', 1))
            INTO object_id USING object_id::bigint;
        IF object_id IS NULL THEN
            RETURN NULL;  -- the owner is gone; its own deletion is in the feed
        END IF;
    END IF;
    IF what = '' THEN
        what := CASE NEW.pgh_label WHEN 'insert' THEN 'create' WHEN 'update' THEN 'update'
                ELSE 'delete' END;
    END IF;
    -- A progress update that moves a follow-up's status is a status change of the follow-up.
    IF TG_TABLE_NAME = 'agreements_actionupdateevent'
       AND coalesce(row_data->>'to_status', '') <> '' THEN
        what := 'status_change';
    END IF;
    INSERT INTO agreements_change (at, object_type, object_id, action, txid)
    VALUES (clock_timestamp(), TG_ARGV[0], object_id, what, pg_current_xact_id()::text::bigint);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

OLD_TABLES = [
    "agreements_state",
    "agreements_sector",
    "agreements_organization",
    "agreements_person",
    "agreements_source",
    "agreements_meeting",
    "agreements_meeting_states",
    "agreements_meeting_people",
    "agreements_meeting_organizations",
    "agreements_meeting_sectors",
    "agreements_meeting_sources",
    "agreements_instrument",
    "agreements_instrument_sectors",
    "agreements_instrument_sources",
    "agreements_instrumentparty",
    "agreements_partyaction",
    "agreements_instrumentlink",
    "agreements_statuschange",
    "agreements_followupaction",
    "agreements_followupaction_sectors",
    "agreements_followupaction_sources",
    "agreements_actionupdate",
    "agreements_indicator",
    "agreements_indicator_sources",
]


def forward_sql():
    statements = []
    for table in OLD_TABLES:
        statements.append(f"DROP TRIGGER {table}_changes_feed ON {table};")
        statements.append(f"DROP TRIGGER {table}_changes_feed_update ON {table};")
    statements.append("DROP FUNCTION agreements_record_change();")
    statements.append(FUNCTION)
    for table, (object_type, id_column, action, lookup) in FEED.items():
        args = f"'{object_type}', '{id_column}', '{action}', '{lookup}'"
        statements.append(
            f"CREATE TRIGGER {table}_feed AFTER INSERT ON {table} FOR EACH ROW "
            f"WHEN (NEW.pgh_label <> 'baseline') EXECUTE FUNCTION agreements_feed_from_event({args});"
        )
    return "\n".join(statements)


def record_baseline(apps, schema_editor):
    """One "baseline" event per existing row, copying the row as it is now."""
    for event_model in apps.get_app_config("agreements").get_models():
        if not event_model.__name__.endswith("Event"):
            continue
        tracked = event_model._meta.get_field("pgh_obj").related_model
        columns = [
            field.column
            for field in event_model._meta.concrete_fields
            if not field.name.startswith("pgh_")
        ]
        column_list = ", ".join(f'"{column}"' for column in columns)
        schema_editor.execute(
            f'INSERT INTO "{event_model._meta.db_table}" '
            f"({column_list}, pgh_created_at, pgh_label, pgh_obj_id) "
            f"SELECT {column_list}, NOW(), 'baseline', \"{tracked._meta.pk.column}\" "
            f'FROM "{tracked._meta.db_table}" ORDER BY "{tracked._meta.pk.column}"'
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0007_audit_trail")]

    operations = [
        migrations.RunSQL(forward_sql()),
        migrations.RunPython(record_baseline),
    ]
