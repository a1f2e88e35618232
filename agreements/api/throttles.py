"""DRF's throttles, counting per client address by the application's one rule
(`bilateral.client_address`), not DRF's own reading of X-Forwarded-For, with the wrong-token
lockout (`FailedTokenThrottle`) checked by each of them.

Each keeps DRF's sliding window: the times of the requests of the last `duration` seconds, at
most `num_requests` of them; a refused request is not counted, and Retry-After says when the
oldest leaves the window. With a cache server (CACHE_URL) the window is a sorted set in Redis
and one Lua script reads the lockout, checks and counts in one round trip (`SLIDING_WINDOW`):
DRF's own throttle and the lockout took three (a read of each, a write of the count), which
measured as much as the rest of a kept answer together (docs/performance.md). With the cache in
the database (no CACHE_URL), DRF's own code keeps the window, as a list in the cache table.
"""

import uuid

from django.core.cache import cache, caches
from rest_framework import throttling
from rest_framework.exceptions import Throttled

from bilateral.cache import ForgivingRedisCache
from bilateral.client_address import client_address

LOCKED_OUT = "Too many wrong tokens from this address."

# KEYS[1]: the window to count this request in; KEYS[2] (if any): a window that refuses it when
# full (the lockout). ARGV: now, then duration and limit of each window, then this request's
# member of the first. Returns {0} when counted, else {1 or 2 (which window refused it), the
# time its oldest entry was counted, as text}.
SLIDING_WINDOW = """
local now = tonumber(ARGV[1])
local function full(key, duration, limit)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
    if redis.call('ZCARD', key) >= limit then
        return redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
    end
    return false
end
if KEYS[2] then
    local oldest = full(KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5]))
    if oldest then return {2, oldest} end
end
local oldest = full(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
if oldest then return {1, oldest} end
redis.call('ZADD', KEYS[1], now, ARGV[#ARGV])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
return {0}
"""


def _redis():
    """The cache when it is a cache server, which runs `SLIDING_WINDOW`; else None."""
    backend = caches["default"]
    return backend if isinstance(backend, ForgivingRedisCache) else None


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class SlidingWindowMixin(ClientAddressMixin):
    """DRF's throttle, in one round trip on Redis, refusing a locked-out address too."""

    def count(self, key: str, lockout: "FailedTokenThrottle | None" = None) -> bool:
        """Counts a request in this throttle's window unless it (or the lockout's) is full;
        raises Throttled when the lockout's is. On Redis only."""
        self.now = now = self.timer()
        keys, args = [key + ":window"], [repr(now), self.duration, self.num_requests]
        if lockout is not None:
            keys.append(lockout.key + ":window")
            args += [lockout.duration, lockout.num_requests]
        outcome = _redis().run_script(SLIDING_WINDOW, keys, [*args, f"{now!r}:{uuid.uuid4()}"])
        if not outcome or outcome[0] == 0:  # counted (or Redis away: an empty cache)
            return True
        self.history = [float(outcome[1])]  # the oldest entry, for wait()
        if outcome[0] == 2:
            raise Throttled(self.wait_for(lockout.duration), detail=LOCKED_OUT)
        return False

    def wait_for(self, duration) -> float:
        """Until the oldest entry of a full window leaves it (DRF's wait() when full)."""
        return max(0.0, duration - (self.now - self.history[-1]))

    def wait(self):
        return self.wait_for(self.duration)


class RequestThrottle(SlidingWindowMixin):
    """Anonymous or per-user counts (DRF's), and the wrong-token lockout of the address."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:  # not this throttle's kind of request (DRF)
            return True
        lockout = FailedTokenThrottle()
        lockout.key = lockout.get_cache_key(request, view)
        if _redis() is not None:
            return self.count(key, lockout)
        if lockout.is_locked_out(request):
            raise Throttled(lockout.wait(), detail=LOCKED_OUT)
        return super().allow_request(request, view)


class AnonRateThrottle(RequestThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RequestThrottle, throttling.UserRateThrottle):
    pass


class FailedTokenThrottle(SlidingWindowMixin, throttling.SimpleRateThrottle):
    """Wrong tokens per address: `authentication.TokenAuthentication` counts them
    (`refuses_another`), every request's throttle checks them (`RequestThrottle`)."""

    scope = "failed_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def refuses_another(self, request) -> bool:
        """Counts one more wrong token from the request's address; True when the address was
        already locked out (not counted then)."""
        self.key = self.get_cache_key(request, None)
        if _redis() is not None:
            return not self.count(self.key)
        if self.is_locked_out(request):
            return True
        self.history.insert(0, self.now)
        cache.set(self.key, self.history, self.duration)
        return False

    def is_locked_out(self, request) -> bool:
        """With the cache in the database: DRF's window, a list."""
        self.key = self.get_cache_key(request, None)
        self.history = cache.get(self.key, [])
        self.now = self.timer()
        self.history = [at for at in self.history if at > self.now - self.duration]
        return len(self.history) >= self.num_requests
