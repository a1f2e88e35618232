"""A full export of the data, and its import into an empty database: every object, every relation
(the rows of many-to-many tables keep their ids, which the audit trail refers to), every audit
event and its context, the changes feed and the users.

PostgreSQL writes and reads the rows itself (`row_to_json`, `json_populate_recordset`), so a
value comes back exactly as it left, whatever its type. The import runs with triggers off
(`session_replication_role = replica`): the rows are restored, not made anew, so they must not
produce new audit events. That needs a superuser or, on a managed server, its admin role.

The documents' files go with their rows, base64 in `files` (by their names in the storage),
and the import puts them back into this server's storage, checking each against its digest.

Not exported: API tokens (credentials: issue new ones), sessions, login attempts, the roles'
permissions (migrations create them; the target must be migrated from the same code), and the
pair rows, which are derived: the import rebuilds them (`agreements/models/pairs.py`).
"""

import base64
import hashlib
import json
from typing import IO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from agreements.models import Document, Instrument, Meeting
from agreements.models.pairs import DERIVED_MODELS, refresh_all

FORMAT = "bilateral-export"


class ImportRefused(Exception):
    pass


def exported_models() -> list:
    """Every concrete model whose rows are exported, many-to-many tables included."""
    User = get_user_model()
    wanted = [User, User.groups.through, apps.get_model("pghistory", "Context")]
    for model in apps.get_app_config("agreements").get_models(include_auto_created=True):
        if not model._meta.proxy and model._meta.managed and model not in DERIVED_MODELS:
            wanted.append(model)
    return wanted


def _applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def export_data(out: IO[str]) -> dict[str, int]:
    """Write the export as one JSON document; return the number of rows per table."""
    counts = {}
    in_transaction = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if not in_transaction:
            # One snapshot for all tables, so the export is consistent while others write.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        header = {"format": FORMAT, "migrations": _applied_migrations()}
        out.write(json.dumps(header)[:-1] + ', "tables": {')
        for index, model in enumerate(exported_models()):
            table = model._meta.db_table
            out.write(("," if index else "") + f"\n{json.dumps(table)}: [")
            cursor.execute(
                f'SELECT row_to_json(t)::text FROM "{table}" t ORDER BY "{model._meta.pk.column}"'
            )
            count = 0
            while rows := cursor.fetchmany(2000):
                out.write(("," if count else "") + ",\n".join(row[0] for row in rows))
                count += len(rows)
            out.write("]")
            counts[table] = count
        out.write('\n}, "files": {')
        for index, document in enumerate(Document.objects.only("file").order_by("pk").iterator()):
            with document.file.open("rb") as handle:
                data = base64.b64encode(handle.read()).decode()
            out.write(("," if index else "") + f'\n{json.dumps(document.file.name)}: "{data}"')
        out.write("\n}}\n")
    return counts


def import_data(source: IO[str]) -> dict[str, int]:
    """Load an export into this database, which must be migrated and hold no data of its own."""
    try:
        document = json.load(source)
    except json.JSONDecodeError as error:
        raise ImportRefused(f"This is not an export: {error}.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused("This is not an export of Bilateral (export_data makes one).")
    if document.get("migrations") != _applied_migrations():
        raise ImportRefused(
            "The export was made at another version of the database. Migrate this database "
            "(or the one exported) so that both have the same migrations applied."
        )
    _refuse_unless_empty()
    models = exported_models()
    tables = document.get("tables", {})
    unknown = set(tables) - {model._meta.db_table for model in models}
    if unknown:
        raise ImportRefused(f"The export has tables this version does not: {sorted(unknown)}.")
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        names = ", ".join(f'"{model._meta.db_table}"' for model in models)
        # What the migrations created (states, sectors, their baseline events, the feed's
        # first lines) is replaced by the same rows from the export.
        cursor.execute(f"TRUNCATE {names} CASCADE")
        for model in models:
            table = model._meta.db_table
            rows = tables.get(table, [])
            if rows:
                cursor.execute(
                    f'INSERT INTO "{table}" SELECT * FROM json_populate_recordset(NULL::"{table}", '
                    "%s)",
                    [json.dumps(rows)],
                )
            counts[table] = len(rows)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        refresh_all()
        _restore_files(document.get("files", {}))
    return counts


def _restore_files(files: dict) -> None:
    """Put each document's file into this server's storage. Its name there is kept when free
    (a storage may pick another, which the row then takes: a silent update, as the import is)."""
    for row in Document.objects.only("file", "sha256").order_by("pk"):
        encoded = files.get(row.file.name)
        if encoded is None:
            raise ImportRefused(
                f"The export lacks the file of document {row.pk} ({row.file.name})."
            )
        data = base64.b64decode(encoded)
        if hashlib.sha256(data).hexdigest() != row.sha256:
            raise ImportRefused(f"The file of document {row.pk} does not match its digest.")
        storage = row.file.storage
        name = storage.save(row.file.name, ContentFile(data))
        if name != row.file.name:
            Document.objects.filter(pk=row.pk).update(file=name)


def _refuse_unless_empty() -> None:
    User = get_user_model()
    held = {
        "users": User.objects.count(),
        "instruments": Instrument.objects.count(),
        "meetings": Meeting.objects.count(),
    }
    if any(held.values()):
        what = ", ".join(f"{count} {name}" for name, count in held.items() if count)
        raise ImportRefused(
            f"This database is not empty ({what}). Import into a newly migrated database."
        )
