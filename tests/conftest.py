import pytest
from django.core.cache import cache
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from agreements.api.authentication import verified
from agreements.api.conditional import recent
from tests.factories import UserFactory

ROLES = ["analyst", "manager", "consumer"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashers are slow by design; tests create many users and never attack them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache(django_db_setup, django_db_blocker):
    # Throttle counts and kept API answers live in the shared cache (a table of the test
    # database, or Redis): each test starts with none, nor any answer or token this process
    # remembers.
    with django_db_blocker.unblock():
        cache.clear()
    recent.__init__()
    verified.__init__()


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, settings):
    """Counts the application's queries only: the shared cache lives in this process's memory
    for these tests (the default cache, a table of the database, would add its own)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return django_assert_num_queries


@pytest.fixture(autouse=True)
def documents_storage():
    """Documents go to a storage in memory, fresh for each test: no test writes into the
    project's folder. (The folder backend itself is tested in test_documents.py.) The field holds
    its storage from import on, so it is swapped there."""
    from django.core.files.storage import InMemoryStorage

    from agreements.models import Document

    field = Document._meta.get_field("file")
    kept, field.storage = field.storage, InMemoryStorage()
    yield field.storage
    field.storage = kept


@pytest.fixture
def user_with_role(db):
    def make(role):
        if role == "superuser":
            return UserFactory(is_superuser=True)
        return UserFactory(role=role)

    return make


@pytest.fixture
def client_as(user_with_role):
    """A test client logged in with the given role."""

    def make(role):
        client = Client()
        client.force_login(user_with_role(role))
        return client

    return make


@pytest.fixture
def demo(db):
    from agreements.demo import load_demo

    load_demo()


@pytest.fixture
def fast_token_hashing(settings):
    # knox hashes every token check with SHA-512 by design; tests make thousands of them.
    settings.REST_KNOX = {**settings.REST_KNOX, "SECURE_HASH_ALGORITHM": "hashlib.md5"}


@pytest.fixture
def api_as(user_with_role, fast_token_hashing):
    """An API client that sends a real token for a user with the given role (None: anonymous)."""

    def make(role):
        client = APIClient()
        if role:
            _, key = AuthToken.objects.create(user=user_with_role(role))
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def rates(monkeypatch):
    """Lower throttle rates for one test (DRF reads them once, into the throttle class)."""

    def lower(**changed):
        current = SimpleRateThrottle.THROTTLE_RATES
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**current, **changed})

    return lower


@pytest.fixture
def token_guesser(api_as, rates):
    """An API client sending a wrong token, with the wrong-token throttle lowered to three an
    hour: the fourth wrong token from one address is refused."""
    rates(failed_token="3/hour")
    guesser = api_as(None)
    guesser.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    return guesser
