"""Locked-down access: production settings pass `check --deploy` with no warning and refuse to start
half-configured; every response carries a strict CSP; logins and tokens resist guessing; logs are
JSON lines with the request id."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from knox.models import AuthToken

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
REAL_KEY = "k" * 20 + "-production-key-that-is-long-and-random-enough-0123456789"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": REAL_KEY,
    "ALLOWED_HOSTS": "bilateral.example.org",
    "EMAIL_HOST": "smtp.example.org",
}


def manage(*args, **env):
    environment = {**os.environ, **env}
    environment.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_are_locked_down():
    script = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.DEBUG, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, "
        "s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "list(s.SECURE_PROXY_SSL_HEADER)]))"
    )
    result = manage("shell", "-v0", "-c", script, **PRODUCTION)

    assert json.loads(result.stdout) == [
        False,
        True,
        True,
        True,
        True,
        True,
        31536000,
        ["HTTP_X_FORWARDED_PROTO", "https"],
    ]


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"SECRET_KEY": ""}, "Set SECRET_KEY to a random string of 50+ characters."),
        ({"SECRET_KEY": "short"}, "Set SECRET_KEY to a random string of 50+ characters."),
        ({"ALLOWED_HOSTS": ""}, "Set ALLOWED_HOSTS to the host names this server answers to."),
    ],
)
def test_production_refuses_to_start_half_configured(missing, message):
    result = manage("check", **{**PRODUCTION, **missing})

    assert result.returncode != 0
    assert message in result.stderr


def test_production_logs_are_json_lines_with_the_request_id():
    script = (
        "import logging; from bilateral.middleware import current_request_id; "
        "current_request_id.set('req-42'); logging.getLogger('agreements').warning('hello')"
    )
    result = manage("shell", "-v0", "-c", script, **PRODUCTION)

    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert {key: line[key] for key in ("level", "logger", "message", "request_id")} == {
        "level": "WARNING",
        "logger": "agreements",
        "message": "hello",
        "request_id": "req-42",
    }


@pytest.mark.django_db
def test_every_response_carries_the_strict_csp_and_a_request_id(client):
    response = client.get("/admin/login/")

    assert response["Content-Security-Policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    )
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept_and_a_strange_one_replaced(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.1")
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")

    assert kept["X-Request-ID"] == "lb-7f3a.1"
    assert replaced["X-Request-ID"] != "<script>"


@pytest.mark.django_db
def test_login_locks_out_after_five_wrong_passwords(client, settings):
    UserFactory(username="ana", role="analyst")
    attempt = {"username": "ana", "password": "wrong"}

    wrong = [client.post("/admin/login/", attempt).status_code for _ in range(5)]
    locked = client.post("/admin/login/", {"username": "ana", "password": "correct-horse-battery"})

    assert wrong == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "in 30 minutes;" in locked.content.decode()


@pytest.mark.django_db
def test_login_works_before_the_limit(client):
    UserFactory(username="ana", role="analyst")
    client.post("/admin/login/", {"username": "ana", "password": "wrong"})

    right = client.post("/admin/login/", {"username": "ana", "password": "correct-horse-battery"})

    assert right.status_code == 302


@pytest.mark.django_db
def test_wrong_tokens_are_throttled_per_address(api_as, token_guesser):
    good = api_as("consumer")

    guesses = [token_guesser.get("/api/v1/states/").status_code for _ in range(4)]
    good_from_same_address = good.get("/api/v1/states/")

    assert guesses == [401, 401, 401, 429]
    assert good_from_same_address.status_code == 429
    assert "Too many wrong tokens from this address." in good_from_same_address.json()["detail"]


@pytest.mark.django_db
def test_api_users_are_throttled(api_as, rates):
    rates(user="2/minute")
    client = api_as("consumer")

    statuses = [client.get("/api/v1/states/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


@pytest.mark.django_db
def test_tokens_are_stored_hashed():
    user = UserFactory(role="consumer")

    instance, key = AuthToken.objects.create(user=user)

    stored = AuthToken.objects.get(pk=instance.pk)
    assert key not in (stored.digest, stored.token_key)
    assert (
        stored.token_key == key[: len(stored.token_key)]
    )  # only a short prefix, to tell them apart
