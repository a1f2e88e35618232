"""Data versions: one counter per table, moved by PostgreSQL on every write, so that an answer
computed from the tables can be named by the versions it was computed from (the API's ETags and
cached lists, `agreements/api/conditional.py`).

A statement-level trigger on each table adds one to the table's counter after every INSERT,
UPDATE, DELETE or TRUNCATE, whoever writes: the admin, the API, a command, a bulk
`QuerySet.update()` or raw SQL. The counters are rows of `DataVersion`, so a new value becomes
visible exactly when the write commits, never before.

Every table the API reads carries the trigger; a new table gets it with one line at the end of
this module (`versioned(Model)`, or `versioned(relation_model(Model.field))` for a many-to-many
table), then `makemigrations`. `tests/api/test_conditional.py` fails for a table of the app that
has none.
"""

from typing import NamedTuple

import pgtrigger
from django.db import connection, models

from agreements.models.audit_trail import AUDITED_MODELS, AUDITED_RELATIONS, relation_model
from agreements.models.pairs import DERIVED_MODELS

TRIGGER_NAME = "data_version"


class DataVersion(models.Model):
    """How many write statements a table has seen from one database connection (`backend`, its
    process id; 0 for the connections that have ended, folded together by `fold_ended()`).

    One row per connection, not per table: a connection runs one transaction at a time, so no
    writer ever waits for another's counter (one row per table made every writer of a table
    queue behind the first until it committed)."""

    pk = models.CompositePrimaryKey("table", "backend")
    table = models.CharField(max_length=63)
    backend = models.IntegerField()
    version = models.BigIntegerField()

    def __str__(self):
        return f"{self.table} at {self.version} (connection {self.backend})"


def versioned(model):
    """Declares the data-version trigger on a model's table."""
    table = DataVersion._meta.db_table
    pgtrigger.register(
        pgtrigger.Trigger(
            name=TRIGGER_NAME,
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete | pgtrigger.Truncate,
            # An upsert: a connection's first write to a table creates its row.
            func=(
                f'INSERT INTO "{table}" ("table", "backend", "version") '
                "VALUES (TG_TABLE_NAME, pg_backend_pid(), 1) "
                'ON CONFLICT ("table", "backend") DO UPDATE '
                f'SET "version" = "{table}"."version" + 1; RETURN NULL;'
            ),
        )
    )(model)
    return model


# The tables that say who may read what: tokens, users, their groups and permissions. Their
# triggers (migration 0034_credentials_version: they are other apps' tables) count in the same
# table under their own names, apart from the data: a login does not make every kept answer old.
CREDENTIAL_TABLES = (
    "knox_authtoken",
    "auth_user",
    "auth_user_groups",
    "auth_user_user_permissions",
    "auth_group",
    "auth_group_permissions",
    "auth_permission",
    "django_content_type",
)


# The states (ISO 3166-1, read by every list for the parties' names): their own counter, within
# the data's, so that what is kept of them stays warm while other tables are written.
STATES_TABLE = "agreements_state"

# The names are constants: written into the query once, not sent as parameters each time.
_CREDENTIALS = "('" + "', '".join(CREDENTIAL_TABLES) + "')"
_VERSIONS_SQL = (
    f"SELECT pg_relation_filenode('{DataVersion._meta.db_table}'), "
    f'coalesce(sum("version") FILTER (WHERE "table" NOT IN {_CREDENTIALS}), 0), '
    f'coalesce(sum("version") FILTER (WHERE "table" IN {_CREDENTIALS}), 0), '
    f'coalesce(sum("version") FILTER (WHERE "table" = \'{STATES_TABLE}\'), 0), '
    f'pg_current_xact_id_if_assigned() IS NULL FROM "{DataVersion._meta.db_table}"'
)


class Versions(NamedTuple):
    """The data's version, the credentials' version and the states' own (part of the data's),
    read together (`versions()`)."""

    data: str | None
    credentials: str | None
    states: str | None


def versions() -> Versions:
    """The data's version and the credentials' version, in one query: each is the sum of its
    tables' counters, which every commit that writes moves up (each counter only grows, and only
    its own connection writes it), with the version table's file, which a TRUNCATE (`flush`) or
    a restored dump renews, so that a sum counted again from nothing is not taken for an earlier
    one.

    Both None when the current transaction has written: the versions it sees are its own,
    uncommitted, and if it rolls back, another write may reach the same sums with other data,
    so nothing may be named by them.

    Read them BEFORE what they name: what is read afterwards is then at least as new as the
    version, never older."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSIONS_SQL)
        filenode, data, credentials, states, committed = cursor.fetchone()
    if not committed:
        return Versions(None, None, None)
    return Versions(f"{filenode}-{data}", f"{filenode}-{credentials}", f"{filenode}-{states}")


def data_version() -> str | None:
    """The data's version (`versions()`): None when the current transaction has written."""
    return versions().data


def fold_ended() -> int:
    """Folds the counters of connections that have ended into one row per table (backend 0),
    in one statement, so the sum is unchanged and the table stays as small as the number of
    tables times the open connections. The worker runs it hourly; returns the rows folded."""
    table = DataVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH ended AS (
                DELETE FROM "{table}"
                WHERE "backend" <> 0 AND "backend" NOT IN (SELECT pid FROM pg_stat_activity)
                RETURNING "table", "version"
            ), folded AS (
                INSERT INTO "{table}" ("table", "backend", "version")
                SELECT "table", 0, sum("version") FROM ended GROUP BY "table"
                ON CONFLICT ("table", "backend") DO UPDATE
                SET "version" = "{table}"."version" + excluded."version"
            )
            SELECT count(*) FROM ended
            """
        )
        return cursor.fetchone()[0]


# Every table the API reads: each one the audit trail records (models and many-to-many tables)
# and the pair rows derived from them.
for _model in [*AUDITED_MODELS, *DERIVED_MODELS]:
    versioned(_model)

for _relation in AUDITED_RELATIONS:
    versioned(relation_model(_relation))
