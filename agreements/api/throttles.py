"""DRF's throttles, counting per client address by the application's one rule
(`bilateral.client_address`), not DRF's own reading of X-Forwarded-For."""

from django.core.cache import cache
from rest_framework import throttling

from bilateral.client_address import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class FailedTokenThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """Wrong tokens per address; `authentication.TokenAuthentication` counts and checks them."""

    scope = "failed_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def is_locked_out(self, request) -> bool:
        self.key = self.get_cache_key(request, None)
        self.history = cache.get(self.key, [])
        self.now = self.timer()
        self.history = [at for at in self.history if at > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def record_failure(self) -> None:
        self.history.insert(0, self.now)
        cache.set(self.key, self.history, self.duration)
