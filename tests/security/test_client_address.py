"""Finding 3: throttles and the login lockout count per client address by one rule. Without
TRUSTED_PROXY_COUNT, X-Forwarded-For is ignored (anyone can write it); with N proxies, only the
entry the outermost trusted proxy appended counts."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import Client, RequestFactory

from agreements.api.throttles import AnonRateThrottle, FailedTokenThrottle, UserRateThrottle
from bilateral.client_address import client_address
from tests.factories import UserFactory

GUESSER, VICTIM, PROXY = "203.0.113.5", "198.51.100.7", "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, None, GUESSER),
        (0, VICTIM, GUESSER),
        (1, None, GUESSER),
        (1, VICTIM, VICTIM),
        (1, f"1.2.3.4, {VICTIM}", VICTIM),
        (2, f"1.2.3.4, {VICTIM}, {PROXY}", VICTIM),
        (2, VICTIM, VICTIM),
        (1, "not-an-address", GUESSER),
    ],
)
def test_client_address_trusts_only_the_proxies_entries(settings, proxies, forwarded, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=GUESSER, **headers)

    assert client_address(request) == address


@pytest.mark.django_db
def test_wrong_tokens_with_a_new_forwarded_address_each_are_still_throttled(token_guesser):
    statuses = [
        token_guesser.get(
            "/api/v1/states/", REMOTE_ADDR=GUESSER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        ).status_code
        for n in range(4)
    ]

    assert statuses == [401, 401, 401, 429]


@pytest.mark.django_db
def test_wrong_tokens_sent_as_another_address_do_not_lock_that_address_out(api_as, token_guesser):
    for _ in range(4):
        token_guesser.get("/api/v1/states/", REMOTE_ADDR=GUESSER, HTTP_X_FORWARDED_FOR=VICTIM)

    victim = api_as("consumer").get("/api/v1/states/", REMOTE_ADDR=VICTIM)

    assert victim.status_code == 200


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_wrong_token_count(
    api_as, token_guesser, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    # The guesser writes a new address of its own each time; the proxy appends the real one.
    guesses = [
        token_guesser.get(
            "/api/v1/states/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {GUESSER}"
        ).status_code
        for n in range(4)
    ]

    victim = api_as("consumer").get(
        "/api/v1/states/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM
    )

    assert (guesses, victim.status_code) == ([401, 401, 401, 429], 200)


@pytest.mark.parametrize("proxies", [0, 1])
def test_every_throttle_and_the_lockout_read_the_address_by_the_same_rule(settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{GUESSER}, {VICTIM}"
    )

    addresses = [
        AnonRateThrottle().get_ident(request),
        UserRateThrottle().get_ident(request),
        FailedTokenThrottle().get_ident(request),
        get_client_ip_address(request),
    ]

    assert addresses == [[PROXY, VICTIM][proxies]] * 4


def wrong_logins(client, **meta):
    attempt = {"username": "ana", "password": "wrong"}
    return [client.post("/admin/login/", attempt, **meta).status_code for _ in range(5)]


def right_login(**meta):
    attempt = {"username": "ana", "password": "correct-horse-battery"}
    return Client().post("/admin/login/", attempt, **meta)


@pytest.mark.django_db
def test_wrong_passwords_sent_as_another_address_do_not_lock_that_address_out():
    UserFactory(username="ana", role="analyst")
    guesses = wrong_logins(Client(), REMOTE_ADDR=GUESSER, HTTP_X_FORWARDED_FOR=VICTIM)

    right = right_login(REMOTE_ADDR=VICTIM)

    assert (guesses[-1], right.status_code) == (429, 302)


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_lockout_is_per_client_not_per_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="ana", role="analyst")
    guesses = wrong_logins(Client(), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=GUESSER)

    right = right_login(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM)

    assert (guesses[-1], right.status_code) == (429, 302)
