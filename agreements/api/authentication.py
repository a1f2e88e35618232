"""Token authentication that makes guessing tokens slow.

DRF checks throttles after authentication, so a wrong token is refused before any throttle sees
it. Here failed tokens are counted per client address; past the "failed_token" rate that address
gets 429 until the window has passed, even with a right token.
"""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled

from agreements.api.throttles import FailedTokenThrottle


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request):
        throttle = FailedTokenThrottle()
        if throttle.is_locked_out(request):
            raise Throttled(throttle.wait(), detail="Too many wrong tokens from this address.")
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            throttle.record_failure()
            raise

    def _cleanup_token(self, auth_token) -> bool:
        """Refuse an expired token. It is not deleted here: the refusal rolls the request's
        transaction back, and the deletion with it. `run_worker` deletes expired tokens hourly
        (knox would also read every other token of the user on each request to do so)."""
        return auth_token.expiry is not None and auth_token.expiry < timezone.now()


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes it: "Authorization: Token <key>"."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
