"""The triggers in the database are the ones the models declare (django-pgtrigger: the pair rows,
their counts, the two-parties rule, and django-pghistory's audit trail), installed as declared by
the migrations; none of the hand-written ones they replaced is left beside them."""

import pgtrigger
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_every_declared_trigger_is_installed_as_declared():
    statuses = {
        trigger.get_uri(model): trigger.get_installation_status(model)
        for model, trigger in pgtrigger.registered()
    }

    assert {uri for uri, status in statuses.items() if status != ("INSTALLED", True)} == set()
    assert {
        uri
        for uri in statuses
        if uri.split(":")[1] in {"count_inserted", "pair_columns", "two_parties"}
    } == {
        "agreements.FollowUpPair:count_inserted",
        "agreements.InstrumentPair:count_inserted",
        "agreements.Instrument:pair_columns",
        "agreements.Meeting:pair_columns",
        "agreements.Instrument:two_parties",
        "agreements.InstrumentParty:two_parties",
    }


def test_no_trigger_is_left_that_the_models_do_not_declare():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname NOT LIKE 'pgtrigger_%'"
        )
        undeclared = {name for (name,) in cursor.fetchall()}

    # Left by hand: the changes feed, written from the audit trail's event tables (migration 0008),
    # and the credentials' version on other apps' tables (migration 0034, tested in
    # tests/api/test_permissions.py).
    by_hand = {name for name in undeclared if name.endswith("event_feed")} | {"credentials_version"}
    assert undeclared - by_hand == set()
