import pytest
from django.test import Client

from tests.factories import UserFactory

ROLES = ["analyst", "manager", "consumer"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashers are slow by design; tests create many users and never attack them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
