"""Finding 6: /healthz (and /readyz) wait a bounded time for a database that hangs: they answer
before the image's own health check gives up (4 s), saying the database does not answer."""

import socket
import time

import pytest
from django.db import connection
from django.test import Client


@pytest.fixture
def hanging_database():
    """A server that accepts connections and never says a word, standing in for the database."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)  # never accept(): the handshake completes, no answer ever comes
        Client().get("/healthz")  # the first request of a process imports much; time the next
        saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(server.getsockname()[1]))
        try:
            yield
        finally:
            connection.settings_dict.update(saved)


@pytest.mark.django_db
def test_healthz_answers_within_the_image_health_checks_wait_when_the_database_hangs(
    hanging_database, client
):
    started = time.monotonic()
    response = client.get("/healthz")
    answered_after = time.monotonic() - started

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in {"no answer within 2 s", "unreachable (OperationalError)"}
    assert answered_after < 3.5


@pytest.mark.django_db
def test_readyz_answers_503_within_the_wait_when_the_database_hangs(hanging_database, client):
    started = time.monotonic()
    response = client.get("/readyz")
    answered_after = time.monotonic() - started

    assert response.status_code == 503
    assert answered_after < 3.5


@pytest.mark.django_db
def test_healthz_says_the_database_answers_when_it_does(client):
    response = client.get("/healthz")

    assert response.json() == {"status": "ok", "database": "reachable"}
