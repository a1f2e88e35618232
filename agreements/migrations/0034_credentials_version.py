"""The credentials' version (`agreements.models.versions.versions`): the tables that say who may
read what (tokens, users, groups, permissions) count their writes in the data-version table, as
the app's own tables do, so that a process may remember a verified token while none of them has
changed (`agreements.api.authentication`). They are other apps' tables, so their triggers are
written here rather than declared on their models."""

from django.db import migrations

from agreements.models.versions import CREDENTIAL_TABLES

# The list lives with the query that sums them; a table added to it later needs a migration of
# its own (tests/api/test_permissions.py checks that every one has the trigger).
TABLES = CREDENTIAL_TABLES

FUNCTION = """
CREATE OR REPLACE FUNCTION agreements_credentials_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO "agreements_dataversion" ("table", "backend", "version")
    VALUES (TG_TABLE_NAME, pg_backend_pid(), 1)
    ON CONFLICT ("table", "backend") DO UPDATE
    SET "version" = "agreements_dataversion"."version" + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = "\n".join(
    f'CREATE TRIGGER credentials_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
    "FOR EACH STATEMENT EXECUTE FUNCTION agreements_credentials_version();"
    for table in TABLES
)

DROP = "\n".join(f'DROP TRIGGER IF EXISTS credentials_version ON "{table}";' for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0033_coverage_counts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL(
            FUNCTION + TRIGGERS,
            DROP + "\nDROP FUNCTION IF EXISTS agreements_credentials_version();",
        )
    ]
