"""Finding 8: after logging in, a missing or refused `next` goes home; a locked-out login is told
when it may try again, and trying while locked out does not push that time back."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.factories import UserFactory

RIGHT = {"username": "ana", "password": "correct-horse-battery"}
WRONG = {"username": "ana", "password": "wrong"}


@pytest.fixture
def ana(db):
    return UserFactory(username="ana", role="analyst")


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        (None, "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/follow-ups/", "/follow-ups/"),
    ],
)
def test_login_lands_on_next_only_when_it_is_on_this_site(ana, client, next_url, lands_on):
    form = RIGHT if next_url is None else {**RIGHT, "next": next_url}

    response = client.post("/admin/login/", form)

    assert (response.status_code, response["Location"]) == (302, lands_on)


def test_lockout_says_when_the_user_may_try_again(ana, client):
    for _ in range(5):
        client.post("/admin/login/", WRONG)
    attempt = AccessAttempt.objects.get()
    # The last wrong password was 29 minutes ago: one minute of the 30 is left.
    last_failure_at = timezone.now() - datetime.timedelta(minutes=29)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=last_failure_at)

    locked = client.post("/admin/login/", RIGHT)

    retry_at = timezone.localtime(last_failure_at + datetime.timedelta(minutes=30))
    assert locked.status_code == 429
    assert f"You may try again at {retry_at:%H:%M} (UTC, {retry_at.day} " in locked.content.decode()
    assert "in 1 minute;" in locked.content.decode()
    # Trying while locked out, even with the right password, did not restart the cool-off.
    assert AccessAttempt.objects.get().attempt_time == last_failure_at


def test_login_works_again_once_the_cool_off_has_passed(ana, client):
    for _ in range(5):
        client.post("/admin/login/", WRONG)
    client.post("/admin/login/", RIGHT)  # locked out: does not restart the cool-off
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))

    response = client.post("/admin/login/", RIGHT)

    assert response.status_code == 302
