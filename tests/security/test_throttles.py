"""The throttles keep DRF's sliding window on either shared cache: in the database's cache table
(DRF's own list) and on Redis (one Lua script, `agreements.api.throttles.SLIDING_WINDOW`, which
also reads the wrong-token lockout). The same requests give the same answers on both. The Redis
runs are skipped when no Redis answers at TEST_CACHE_URL (CI starts one and sets
REQUIRE_TEST_CACHE: there they fail instead)."""

import os

import pytest
import redis
from django.core.cache import cache

from agreements.api import throttles

CACHE_URL = os.environ.get("TEST_CACHE_URL", "redis://127.0.0.1:6379/4")


def _on_redis(settings):
    try:
        redis.Redis.from_url(CACHE_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_TEST_CACHE"):
            pytest.fail(f"no Redis at {CACHE_URL}")
        pytest.skip(f"no Redis at {CACHE_URL} (CI starts one)")
    settings.CACHES = {
        "default": {"BACKEND": "bilateral.cache.ForgivingRedisCache", "LOCATION": CACHE_URL}
    }
    cache.clear()
    yield "redis"
    cache.clear()


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, settings):
    if request.param == "redis":
        yield from _on_redis(settings)
    else:
        yield request.param


@pytest.fixture
def redis_cache(settings):
    yield from _on_redis(settings)


@pytest.mark.django_db
def test_a_user_past_the_rate_waits_for_the_oldest_request_to_leave_the_window(
    shared_cache, api_as, rates, monkeypatch
):
    now = [1000.0]
    monkeypatch.setattr(throttles.throttling.SimpleRateThrottle, "timer", lambda self: now[0])
    rates(user="2/minute")
    client = api_as("consumer")

    statuses = []
    for at in (1000, 1010, 1020, 1059, 1061):
        now[0] = float(at)
        response = client.get("/api/v1/states/")
        statuses.append((response.status_code, response.get("Retry-After")))

    # Refused at 1020 and 1059 (not counted), until the first request's minute has passed.
    assert statuses == [(200, None), (200, None), (429, "40"), (429, "1"), (200, None)]


@pytest.mark.django_db
def test_wrong_tokens_lock_the_address_out_even_for_a_right_token(
    shared_cache, api_as, token_guesser, monkeypatch
):
    now = [5000.0]
    monkeypatch.setattr(throttles.throttling.SimpleRateThrottle, "timer", lambda self: now[0])
    good = api_as("consumer")

    guesses = [token_guesser.get("/api/v1/states/").status_code for _ in range(4)]
    now[0] += 600
    locked_out = good.get("/api/v1/states/")
    now[0] += 3000  # the first wrong token left the hour
    again = good.get("/api/v1/states/")

    assert guesses == [401, 401, 401, 429]
    assert locked_out.status_code == 429
    assert locked_out.json()["detail"].startswith(throttles.LOCKED_OUT[:-1])
    assert locked_out["Retry-After"] == "3000"
    assert again.status_code == 200


# Committed data: the answer is kept, and the second request reads nothing else from the cache.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_redis_a_request_is_throttled_in_one_round_trip(redis_cache, api_as, monkeypatch):
    # (The database's cache table keeps DRF's own reads and writes.)
    from bilateral.cache import ForgivingRedisCache

    client = api_as("consumer")
    calls = []
    for name in ("get", "set", "get_many", "set_many", "add", "incr", "run_script"):
        method = getattr(ForgivingRedisCache, name)
        monkeypatch.setattr(
            ForgivingRedisCache,
            name,
            lambda self, *args, _name=name, _method=method, **kwargs: (
                calls.append(_name) or _method(self, *args, **kwargs)
            ),
        )

    client.get("/api/v1/states/")  # computed and kept: the answer's own read and write
    calls.clear()
    assert client.get("/api/v1/states/").status_code == 200

    # The lockout read, the window checked and counted: one script. The kept answer is in
    # this process's memory.
    assert calls == ["run_script"]
