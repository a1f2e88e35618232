"""Token authentication that makes guessing tokens slow, and answers a known token from memory.

DRF checks throttles after authentication, so a wrong token is refused before any throttle sees
it. Here failed tokens are counted per client address; past the "failed_token" rate that address
gets 429 until the window has passed, even with a right token (every request's throttle checks
it: `agreements.api.throttles`).

Knox finds a token with one query through the ORM, which costs more than the rest of a kept
answer together (docs/performance.md). Each process remembers the tokens it verified
(`VerifiedTokens`) under the credentials' version, read in the same query as the data's
(`agreements.models.versions`): any write to a token, a user, a group or a permission moves it,
so a revoked token, a deactivated user or a changed role is seen by every process on its next
request, as knox would see it. An expired token is refused by its time, remembered or not.
"""

import binascii
import copy

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from rest_framework.exceptions import AuthenticationFailed, Throttled

from agreements.api.last_used import LastUsed
from agreements.api.throttles import LOCKED_OUT, FailedTokenThrottle
from agreements.models import versions


class VerifiedTokens(LastUsed):
    """Tokens this process verified, by their digest: the user and the token, each with what the
    request needs of it already read (the user's permissions), valid while the credentials'
    version they were verified under stands. A few: memory stays flat."""

    ENTRIES = 1024

    def get(self, digest: str, credentials: str):
        known = super().get(digest)
        if known is None or known[0] != credentials:
            return None
        return known[1], known[2]

    def put(self, digest: str, credentials: str, user, auth_token) -> None:
        user.get_all_permissions()  # kept on the user: a copy of it asks the database no more
        super().put(digest, (credentials, user, auth_token))


verified = VerifiedTokens()


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request):
        self.versions_read = None
        try:
            authenticated = super().authenticate(request)
        except AuthenticationFailed:
            throttle = FailedTokenThrottle()
            if throttle.refuses_another(request):
                raise Throttled(throttle.wait(), detail=LOCKED_OUT) from None
            raise
        if authenticated is not None:
            # The data's version, read with the credentials', before anything the view reads:
            # `conditional.ConditionalListMixin.answer_key` names the answer by it.
            request.versions_read = self.versions_read
        return authenticated

    def authenticate_credentials(self, token):
        # First: a token verified afterwards is at least as new as this version, never older.
        self.versions_read = read = versions()
        try:
            digest = hash_token(token.decode())
        except (TypeError, binascii.Error, UnicodeDecodeError):
            raise AuthenticationFailed("Invalid token.") from None
        known = None if read.credentials is None else verified.get(digest, read.credentials)
        if known is None or self._cleanup_token(known[1]):
            user, auth_token = super().authenticate_credentials(token)
            if read.credentials is not None:
                verified.put(digest, read.credentials, user, auth_token)
            known = user, auth_token
        # A copy each: what a request sets on them stays with it.
        return copy.copy(known[0]), copy.copy(known[1])

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
