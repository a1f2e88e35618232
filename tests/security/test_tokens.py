"""Findings 7 and 9: an expired token is refused (and deleted by the worker, as docs/deploy.md
says); the audit trail names a token by its id, never by part of its key; changing one's password
offers to revoke every API token of one's own."""

import datetime
import importlib
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from pghistory.models import Context
from rest_framework.test import APIClient

from agreements.models import Sector
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("fast_token_hashing")


def api_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_an_expired_token_is_refused_and_the_worker_deletes_it(db):
    token, key = AuthToken.objects.create(user=UserFactory(role="consumer"))
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - datetime.timedelta(1))

    refused = api_with(key).get("/api/v1/states/")
    kept_by_the_refusal = AuthToken.objects.filter(pk=token.pk).exists()
    call_command("run_worker", "--once")

    assert (refused.status_code, kept_by_the_refusal) == (401, True)
    assert not AuthToken.objects.filter(pk=token.pk).exists()


def test_audit_api_names_a_token_by_its_id_not_by_its_key(db):
    writer, key = AuthToken.objects.create(user=UserFactory(role="analyst"))
    sector = Sector.objects.get(slug="trade-investment")
    api_with(key).patch(f"/api/v1/sectors/{sector.slug}/", {"name": "Trade"}, format="json")
    _, reader_key = AuthToken.objects.create(user=UserFactory(role="consumer"))

    response = api_with(reader_key).get(f"/api/v1/sectors/{sector.slug}/audit/")

    update = [event for event in response.json() if event["action"] == "update"]
    assert [event["token"] for event in update] == [writer.digest[:16]]
    assert key[:8] not in response.content.decode()


def test_migration_replaces_recorded_key_prefixes_with_token_ids(db):
    living, _ = AuthToken.objects.create(user=UserFactory(role="analyst"))
    recorded = {
        "living": Context.objects.create(id=_uuid(1), metadata={"token": living.token_key}),
        "deleted": Context.objects.create(id=_uuid(2), metadata={"token": "0123456789abcde"}),
        "none": Context.objects.create(id=_uuid(3), metadata={"user": 1}),
    }
    migration = importlib.import_module("agreements.migrations.0023_hardening")

    migration.token_ids_for_key_prefixes(apps, None)

    assert {name: Context.objects.get(pk=c.pk).metadata for name, c in recorded.items()} == {
        "living": {"token": living.digest[:16]},
        "deleted": {"token": "a token deleted since"},
        "none": {"user": 1},
    }


def _uuid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def change_password(client: Client, **extra):
    form = {
        "old_password": "correct-horse-battery",
        "new_password1": "a-new-long-passphrase-42",
        "new_password2": "a-new-long-passphrase-42",
        **extra,
    }
    return client.post("/admin/password_change/", form)


@pytest.mark.parametrize(("revoke", "left"), [("on", 0), (None, 2)])
def test_password_change_revokes_ones_own_tokens_when_asked(db, revoke, left):
    user, other = UserFactory(role="manager"), UserFactory(role="manager")
    for owner in (user, user, other):
        AuthToken.objects.create(user=owner)
    client = Client()
    client.force_login(user)

    page = client.get("/admin/password_change/")
    response = change_password(client, **({"revoke_tokens": revoke} if revoke else {}))

    assert 'name="revoke_tokens"' in page.content.decode()
    assert "Also revoke all my API tokens" in page.content.decode()
    assert response.status_code == 302
    assert AuthToken.objects.filter(user=user).count() == left
    assert AuthToken.objects.filter(user=other).count() == 1


def test_a_refused_password_change_revokes_nothing(db):
    user = UserFactory(role="manager")
    AuthToken.objects.create(user=user)
    client = Client()
    client.force_login(user)

    response = change_password(client, revoke_tokens="on", old_password="wrong")

    assert response.status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1
