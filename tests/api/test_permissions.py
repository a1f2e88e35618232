"""API authentication: sessions, expired and unknown tokens, tokens issued in the admin. Who may do
what is in the one table of tests/test_permission_matrix.py."""

import pytest
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient


def test_session_login_works_for_a_browser(db, client_as):
    assert client_as("consumer").get("/api/v1/instruments/").status_code == 200


def test_an_expired_or_unknown_token_is_refused(db, api_as, user_with_role):
    from datetime import timedelta

    from knox.models import AuthToken
    from rest_framework.test import APIClient

    _, key = AuthToken.objects.create(user=user_with_role("analyst"), expiry=timedelta(seconds=-1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/instruments/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/instruments/").status_code == 401


def test_a_superuser_issues_a_token_in_the_admin_shown_once(db, client_as, user_with_role):
    from django.contrib.messages import get_messages
    from knox.models import AuthToken

    consumer = user_with_role("consumer")
    admin = client_as("superuser")

    response = admin.post(
        "/admin/knox/authtoken/add/",
        {"user": consumer.pk, "expiry_0": "2099-01-01", "expiry_1": "00:00:00"},
    )

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    [token_message] = [m for m in messages if m.startswith("TOKEN ")]
    key = token_message.removeprefix("TOKEN ").split()[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/instruments/").status_code == 200
    # Revoked by deleting it: the key stops working.
    AuthToken.objects.filter(user=consumer).delete()
    assert client.get("/api/v1/instruments/").status_code == 401


# Committed data: a transaction that has written remembers no token.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_token_is_checked_with_one_query_and_an_expired_one_is_refused(
    user_with_role, django_assert_num_queries, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone
    from knox.models import AuthToken
    from rest_framework.test import APIRequestFactory

    from agreements.api import authentication
    from agreements.api.authentication import TokenAuthentication

    analyst = user_with_role("analyst")
    expired, expired_key = AuthToken.objects.create(user=analyst, expiry=timedelta(seconds=-1))
    token, key = AuthToken.objects.create(user=analyst)

    def authenticate(token):
        request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token}")
        return TokenAuthentication().authenticate(request)

    # The first time: the versions, the token with its user (the user's other tokens are not
    # read) and the user's permissions, kept with it.
    with django_assert_num_queries(4):
        user, _ = authenticate(key)
    assert user == analyst
    # Then the versions alone, and the permissions are known.
    with django_assert_num_queries(1):
        user, _ = authenticate(key)
        assert user.has_perm("agreements.change_instrument")
    assert AuthToken.objects.filter(pk=expired.pk).exists()
    # The expired one is refused; the worker deletes it (a deletion here would be rolled back
    # with the refused request).
    with pytest.raises(AuthenticationFailed, match="^Invalid token.$"):
        authenticate(expired_key)
    assert AuthToken.objects.filter(pk=expired.pk).exists()
    # A remembered token is refused by its time too, though nothing was written.
    later = token.expiry + timedelta(seconds=1)
    monkeypatch.setattr(authentication.timezone, "now", lambda: later)
    assert timezone.now() == later
    with pytest.raises(AuthenticationFailed, match="^Invalid token.$"):
        authenticate(key)


@pytest.mark.parametrize(
    "change",
    ["revoke the token", "deactivate the user", "take the role away", "take a permission away"],
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_remembered_token_sees_a_change_of_credentials_at_once(user_with_role, change):
    from django.contrib.auth.models import Group, Permission
    from knox.models import AuthToken

    analyst = user_with_role("analyst")
    _, key = AuthToken.objects.create(user=analyst)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/sectors/").status_code == 200
    assert client.get("/api/v1/sectors/").status_code == 200  # remembered now

    if change == "revoke the token":
        AuthToken.objects.filter(user=analyst).delete()
    elif change == "deactivate the user":
        analyst.is_active = False
        analyst.save()
    elif change == "take the role away":
        analyst.groups.clear()
    else:
        Group.objects.get(name="analyst").permissions.remove(
            Permission.objects.get(codename="view_sector")
        )

    assert client.get("/api/v1/sectors/").status_code in (401, 403)


def test_every_credentials_table_moves_the_credentials_version(db):
    from django.db import connection

    from agreements.models.versions import CREDENTIAL_TABLES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'credentials_version'"
        )
        triggered = {table for (table,) in cursor.fetchall()}

    assert triggered == set(CREDENTIAL_TABLES)
