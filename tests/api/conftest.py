import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fast_token_hashing(settings):
    # knox hashes every token check with SHA-512 by design; tests make thousands of them.
    settings.REST_KNOX = {**settings.REST_KNOX, "SECURE_HASH_ALGORITHM": "hashlib.md5"}


@pytest.fixture
def api_as(user_with_role):
    """An API client that sends a real token for a user with the given role (None: anonymous)."""

    def make(role):
        client = APIClient()
        if role:
            _, key = AuthToken.objects.create(user=user_with_role(role))
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make
