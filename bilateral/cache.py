"""The cache every process of a deployment shares (throttles, remembered capped counts, cached
API answers): Redis when CACHE_URL names one, otherwise a table in the app's own PostgreSQL.

A cache is never the only copy of anything, so a Redis that is away slows requests down but
never fails them: `ForgivingRedisCache` logs the failure, answers as an empty cache would (a
miss, a write that did not happen) and leaves Redis alone for BREAK_SECONDS before trying again,
so that each request does not wait for a connection timeout. `/readyz` asks it directly
(`cache_problem`).
"""

import functools
import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# After a failure, how long every process leaves Redis alone before trying it again.
BREAK_SECONDS = 5

# What each operation answers while Redis is away: what an empty cache answers.
_WHEN_AWAY = {
    "get": lambda key, default=None, *args, **kwargs: default,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda keys, *args, **kwargs: list(keys),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
    "run_script": lambda *args, **kwargs: None,
}


class ForgivingRedisCache(RedisCache):
    """Django's Redis backend, which answers as an empty cache while Redis is away."""

    _lock = threading.Lock()
    _away_until = 0.0
    _scripts = {}
    _clients = {}

    def run_script(self, source: str, keys: list[str], args: list):
        """Runs a Lua script on Redis, in one round trip, on these keys (named as the cache
        names its own: `make_key`). None while Redis is away.

        One client per connection pool, not one per call as Django's own operations make it
        (a third of a throttle's time went to making it: docs/performance.md)."""
        pool = self._cache._get_connection_pool(True)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._cache._client(connection_pool=pool)
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = client.register_script(source)
        return script(keys=[self.make_key(key) for key in keys], args=args, client=client)

    def __getattribute__(self, name):
        method = super().__getattribute__(name)
        if name not in _WHEN_AWAY:
            return method
        when_away = _WHEN_AWAY[name]

        @functools.wraps(method)
        def forgiving(*args, **kwargs):
            cls = type(self)
            if time.monotonic() < cls._away_until:
                return when_away(*args, **kwargs)
            try:
                return method(*args, **kwargs)
            except RedisError as error:
                with cls._lock:
                    cls._away_until = time.monotonic() + BREAK_SECONDS
                log.warning(
                    "cache: Redis is unavailable (%s); serving uncached for %d s",
                    type(error).__name__,
                    BREAK_SECONDS,
                )
                return when_away(*args, **kwargs)

        return forgiving


def cache_problem() -> str:
    """Empty when the cache answers, otherwise what is wrong (for /readyz)."""
    backend = caches["default"]
    try:
        if isinstance(backend, RedisCache):
            # Past the forgiving wrapper: the client itself.
            backend._cache.get_client(write=True).ping()
        else:
            backend.get("readyz")  # the cache table exists
    except (RedisError, DatabaseError) as error:
        return f"unavailable ({type(error).__name__})"
    return ""
