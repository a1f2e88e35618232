"""Two server processes on one shared cache (Redis, CACHE_URL): the throttle counts requests to
both, and a write, whichever way it is made, is read at once through the other; with Redis
away, requests are still answered and /readyz says the cache is unavailable. Real gunicorn
processes on the test database (committed data: transactional tests); skipped when no Redis
answers at TEST_CACHE_URL (CI starts one, and sets REQUIRE_TEST_CACHE: there they fail instead)."""

import datetime
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from knox.models import AuthToken

from agreements.models import Instrument, Sector
from agreements.services import instrument_transition
from tests.factories import UserFactory, make_instrument

CACHE_URL = os.environ.get("TEST_CACHE_URL", "redis://127.0.0.1:6379/4")
# Two free ports (TEST_SERVER_PORTS="8104,8114" by default; set it when another server listens).
PORTS = tuple(int(port) for port in os.environ.get("TEST_SERVER_PORTS", "8104,8114").split(","))
UNREACHABLE = "redis://127.0.0.1:9/0"  # the discard port: nothing answers

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def redis_answers() -> bool:
    try:
        return redis.Redis.from_url(CACHE_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def start_server(port: int, cache_url: str, **environment):
    with socket.socket() as probe:  # else another server would answer in its place
        assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} is taken"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CACHE_URL": cache_url,
        "DEBUG": "false",
        **environment,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bilateral.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return server
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            time.sleep(0.3)
    server.terminate()
    raise AssertionError(f"gunicorn on {port} did not answer")


def get(port: int, path: str, token: str = "", **headers):
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def servers():
    if not redis_answers():
        if os.environ.get("REQUIRE_TEST_CACHE"):
            pytest.fail(f"no Redis at {CACHE_URL}")
        pytest.skip(f"no Redis at {CACHE_URL} (CI starts one)")
    redis.Redis.from_url(CACHE_URL).flushdb()
    started = [start_server(port, CACHE_URL, API_THROTTLE_USER="8/minute") for port in PORTS]
    yield PORTS
    for server in started:
        server.terminate()
        server.wait(30)
    redis.Redis.from_url(CACHE_URL).flushdb()


def token(role="consumer") -> str:
    return AuthToken.objects.create(user=UserFactory(role=role))[1]


def test_a_write_is_read_at_once_through_the_other_process(servers):
    one, other = servers
    instrument = make_instrument(title="First title")
    # Due for entry into force, which only the command brings.
    due = make_instrument(
        entry_into_force_rule="fixed_date", entry_into_force_date=datetime.date(2026, 3, 1)
    )
    instrument_transition(instrument=due, to="signed", on=datetime.date(2026, 1, 27), promote=False)
    sector = Sector.objects.order_by("name").first()
    writer = token("analyst")
    instruments, sectors = (
        "/api/v1/instruments/?ordering=created_at",
        "/api/v1/sectors/?ordering=slug",
    )

    def read_after(path, write, shown):
        # `one` answers and keeps the list; after the write `other` is asked with its ETag.
        reader = token()  # a reader of its own each time: the throttle allows 8 a minute
        status, headers, _ = get(one, path, reader)
        assert status == 200
        write()
        status, _, body = get(other, path, reader, **{"If-None-Match": headers["ETag"]})
        assert status == 200, "a write was answered 304: stale"
        assert shown(json.loads(body))

    def through_the_api():
        request = urllib.request.Request(
            f"http://127.0.0.1:{one}/api/v1/instruments/{instrument.pk}/",
            data=json.dumps({"title": "Through the API"}).encode(),
            method="PATCH",
            headers={"Authorization": f"Token {writer}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200

    def through_the_admin():
        admin = Client()
        admin.force_login(UserFactory(is_superuser=True, is_staff=True))
        response = admin.post(
            f"/admin/agreements/sector/{sector.pk}/change/",
            {"name": "Renamed in the admin", "slug": sector.slug},
        )
        assert response.status_code == 302

    def with_raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE agreements_instrument SET title = 'Raw SQL'")

    def titled(title):
        return lambda body: body["results"][0]["title"] == title

    read_after(instruments, through_the_api, titled("Through the API"))
    read_after(sectors, through_the_admin, lambda body: "Renamed in the admin" in str(body))
    read_after(
        f"/api/v1/instruments/{due.pk}/",
        lambda: call_command("promote_due_instruments", verbosity=0),
        lambda body: body["status"] == "in_force",
    )
    read_after(instruments, lambda: Instrument.objects.update(title="Bulk"), titled("Bulk"))
    read_after(instruments, with_raw_sql, titled("Raw SQL"))


def test_a_revoked_token_or_a_changed_role_is_seen_at_once_by_both_processes(servers):
    from django.contrib.auth.models import Group

    def ask(key, port):
        return get(port, "/api/v1/sectors/", key)[0]

    # Each process has checked (and remembers) both tokens.
    revoked, demoted = AuthToken.objects.create(user=UserFactory(role="consumer"))[1], token()
    assert [ask(key, port) for key in (revoked, demoted) for port in servers] == [200] * 4

    AuthToken.objects.filter(token_key=revoked[:15]).delete()
    AuthToken.objects.get(token_key=demoted[:15]).user.groups.remove(
        Group.objects.get(name="consumer")
    )

    assert [ask(revoked, port) for port in servers] == [401, 401]
    assert [ask(demoted, port) for port in servers] == [403, 403]


def test_the_throttle_counts_requests_to_both_processes(servers):
    one, other = servers
    key = token()
    statuses = [get(port, "/api/v1/sectors/", key)[0] for port in (one, other) * 5]
    # 8 a minute between them: the ninth is refused, whichever process answers it.
    assert statuses[:8] == [200] * 8
    assert statuses[8:] == [429, 429]


def test_with_redis_away_requests_are_answered_and_readyz_says_so():
    server = start_server(PORTS[0], UNREACHABLE)
    try:
        key = token()
        status, headers, _ = get(PORTS[0], "/api/v1/instruments/", key)
        assert status == 200 and "ETag" in headers
        assert get(PORTS[0], "/healthz")[0] == 200
        status, _, body = get(PORTS[0], "/readyz")
        assert status == 503 and json.loads(body)["cache"].startswith("unavailable")
    finally:
        server.terminate()
        server.wait(30)
