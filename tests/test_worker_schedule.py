"""Scheduled jobs in numbers: two worker processes started together, and a worker restarted in
the same hour and week, run each job once (agreements/models/schedule.py). Real processes on the
test database, so the data is committed (transactional tests)."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from agreements.models import Person, ScheduledRun
from tests.factories import MeetingFactory, UserFactory, make_action

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def start_worker():
    """`run_worker --once` in a process of its own, with today's weekday as the digest day."""
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DIGEST_WEEKDAY": str(timezone.localtime().weekday()),
        "DIGEST_HOUR": "0",
        "CACHE_URL": "",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--once"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def digests_sent(*workers) -> int:
    sent = 0
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output
        sent += output.count("Subject: Bilateral:")
    return sent


@pytest.fixture
def digest_due():
    today = timezone.localdate()
    UserFactory(role="manager", email="manager@example.org")
    contact = Person.objects.create(name="A. Envoy", email="envoy@example.org")
    make_action(
        origin_meeting=MeetingFactory(),
        title="Agree commission dates",
        agreed_on=today - datetime.timedelta(days=30),
        due_on=today + datetime.timedelta(days=3),
        responsible_contact=contact,
    )


def test_two_workers_started_together_send_each_digest_once(digest_due):
    first, second = start_worker(), start_worker()

    assert digests_sent(first, second) == 2  # the manager's and the contact's
    runs = ScheduledRun.objects.values_list("job", flat=True)
    assert sorted(runs) == ["clean-up", "digest", "digest", "digest-done", "promotions"]


def test_a_restarted_worker_does_not_send_the_digest_again(digest_due):
    assert digests_sent(start_worker()) == 2
    assert digests_sent(start_worker()) == 0
    assert ScheduledRun.objects.filter(job="promotions").count() == 1
