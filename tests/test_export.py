"""export_data and import_data: the demo data, its audit trail and feed go out and come back
exactly, and an import refuses what it cannot restore faithfully."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from agreements.data_dump import exported_models
from agreements.models import Instrument, Source

pytestmark = pytest.mark.django_db


def import_file(tmp_path, content: str) -> None:
    path = tmp_path / "dump.json"
    path.write_text(content, encoding="utf-8")
    call_command("import_data", str(path), stdout=io.StringIO())


def export() -> str:
    out = io.StringIO()
    call_command("export_data", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def empty_the_database():
    """As after `migrate` on a new server: what the migrations made stays, the rest goes."""
    with connection.cursor() as cursor:
        # The test's own transaction still holds the checks deferred to its commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "TRUNCATE auth_user, agreements_instrument, agreements_meeting, agreements_source, "
            "agreements_organization, agreements_person, agreements_indicator CASCADE"
        )


def test_round_trip_of_the_demo_reproduces_every_row(demo, api_as, tmp_path):
    # Some history with context on top of the demo: an edit and a deletion through the API.
    client = api_as("analyst")
    instrument = Instrument.objects.order_by("pk").first()
    client.patch(f"/api/v1/instruments/{instrument.pk}/", {"short_title": "DT"}, format="json")
    client.delete(f"/api/v1/sources/{Source.objects.create(title='Draft').pk}/")
    before = export()
    empty_the_database()

    import_file(tmp_path, before)

    after = export()
    assert after == before
    tables = json.loads(before)["tables"]
    assert len(tables) == len(exported_models())
    assert len(tables["agreements_instrumentevent"]) > 0
    assert len(tables["pghistory_context"]) == 2
    assert len(tables["agreements_change"]) > 0


def test_import_then_new_writes_continue_the_sequences(demo, api_as, tmp_path):
    dump = export()
    empty_the_database()
    import_file(tmp_path, dump)

    created = api_as("analyst").post("/api/v1/sources/", {"title": "New"}, format="json")

    assert created.status_code == 201
    assert created.json()["id"] > max(
        row["id"] for row in json.loads(dump)["tables"]["agreements_source"]
    )


def test_import_refuses_a_database_that_holds_data(demo, tmp_path):
    dump = export()

    with pytest.raises(CommandError, match=r"not empty \(6 instruments, 6 meetings\)"):
        import_file(tmp_path, dump)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "This is not an export"),
        ('{"format": "other"}', "not an export of Bilateral"),
        ('{"format": "bilateral-export", "migrations": []}', "another version of the database"),
    ],
)
def test_import_refuses_what_is_not_a_matching_export(content, message, tmp_path):
    count = Instrument.objects.count()

    with pytest.raises(CommandError, match=message):
        import_file(tmp_path, content)

    assert Instrument.objects.count() == count


def test_import_of_a_missing_file_says_so():
    with pytest.raises(CommandError, match="Cannot read /nonexistent.json"):
        call_command("import_data", "/nonexistent.json")
