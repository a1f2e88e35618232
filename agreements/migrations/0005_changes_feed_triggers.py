"""The triggers that write the changes feed (agreements_change) for every table of the app.

Each table says what kind of object its rows belong to and which column holds that object's id;
rows that are parts of an object (an instrument's parties, a meeting's states, a status history
row) are recorded as an update, or a status change, of that object.
"""

from django.db import migrations

# table: (object type, id column, fixed action or "")
TRACKED = {
    "agreements_state": ("state", "code", ""),
    "agreements_sector": ("sector", "id", ""),
    "agreements_organization": ("organization", "id", ""),
    "agreements_person": ("person", "id", ""),
    "agreements_source": ("source", "id", ""),
    "agreements_meeting": ("meeting", "id", ""),
    "agreements_meeting_states": ("meeting", "meeting_id", "update"),
    "agreements_meeting_people": ("meeting", "meeting_id", "update"),
    "agreements_meeting_organizations": ("meeting", "meeting_id", "update"),
    "agreements_meeting_sectors": ("meeting", "meeting_id", "update"),
    "agreements_meeting_sources": ("meeting", "meeting_id", "update"),
    "agreements_instrument": ("instrument", "id", ""),
    "agreements_instrument_sectors": ("instrument", "instrument_id", "update"),
    "agreements_instrument_sources": ("instrument", "instrument_id", "update"),
    "agreements_instrumentparty": ("instrument", "instrument_id", "update"),
    "agreements_partyaction": ("instrument", "instrument_id", "update"),
    "agreements_instrumentlink": ("instrument", "instrument_id", "update"),
    "agreements_statuschange": ("instrument", "instrument_id", "status_change"),
    "agreements_followupaction": ("action", "id", ""),
    "agreements_followupaction_sectors": ("action", "followupaction_id", "update"),
    "agreements_followupaction_sources": ("action", "followupaction_id", "update"),
    "agreements_actionupdate": ("action", "action_id", "update"),
    "agreements_indicator": ("indicator", "id", ""),
    "agreements_indicator_sources": ("indicator", "indicator_id", "update"),
}

FUNCTION = """
CREATE FUNCTION agreements_record_change() RETURNS trigger AS $$
DECLARE
    row_data jsonb;
    what text := TG_ARGV[2];
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_data := to_jsonb(OLD);
    ELSE
        row_data := to_jsonb(NEW);
    END IF;
    IF what = '' THEN
        what := CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END;
    END IF;
    -- A progress update that moves a follow-up's status is a status change of the follow-up.
    IF TG_TABLE_NAME = 'agreements_actionupdate' AND coalesce(row_data->>'to_status', '') <> '' THEN
        what := 'status_change';
    END IF;
    INSERT INTO agreements_change (at, object_type, object_id, action, txid)
    VALUES (clock_timestamp(), TG_ARGV[0], row_data->>TG_ARGV[1], what,
            pg_current_xact_id()::text::bigint);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def forward_sql():
    statements = [FUNCTION]
    for table, (object_type, id_column, action) in TRACKED.items():
        args = f"'{object_type}', '{id_column}', '{action}'"
        statements.append(
            f"CREATE TRIGGER {table}_changes_feed AFTER INSERT OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION agreements_record_change({args});"
        )
        statements.append(
            f"CREATE TRIGGER {table}_changes_feed_update AFTER UPDATE ON {table} "
            f"FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) "
            f"EXECUTE FUNCTION agreements_record_change({args});"
        )
    # What existed before the triggers (the states and sectors loaded by migration 0002, or a
    # database being upgraded) enters the feed as created, so a consumer starting from 0 sees all.
    for table, (object_type, id_column, action) in TRACKED.items():
        if not action:
            statements.append(
                f"INSERT INTO agreements_change (at, object_type, object_id, action, txid) "
                f"SELECT clock_timestamp(), '{object_type}', {id_column}::text, 'create', "
                f"pg_current_xact_id()::text::bigint FROM {table} ORDER BY {id_column};"
            )
    return "\n".join(statements)


def backward_sql():
    statements = []
    for table in TRACKED:
        statements.append(f"DROP TRIGGER {table}_changes_feed ON {table};")
        statements.append(f"DROP TRIGGER {table}_changes_feed_update ON {table};")
    statements.append("DROP FUNCTION agreements_record_change();")
    statements.append("DELETE FROM agreements_change;")
    return "\n".join(statements)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_changes_feed")]

    operations = [migrations.RunSQL(forward_sql(), backward_sql())]
