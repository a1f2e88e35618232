"""The background worker of a deployment (docker-compose's `worker` service): the scheduled
jobs, in long-running processes instead of cron. Run as many as you like: each job runs once per
slot across all of them, and a restart does not run it again (`agreements.models.schedule`).

- Every hour: bring into force the instruments whose entry-into-force date has come, roll
  forward the stored term of those renewed tacitly since (`agreements.models.terms`), delete
  expired API tokens (they are refused anyway; this keeps the table small) and fold the data
  versions of ended connections (`agreements.models.versions`).
- Once a week, from DIGEST_WEEKDAY (0 = Monday) at DIGEST_HOUR: the managers' digest, each
  recipient's e-mail claimed under the week's date and their address before it is sent (a worker
  that was down at the hour sends it when it comes back, that week).
"""

import datetime
import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from knox.models import AuthToken

from agreements.audit_events import command_context
from agreements.digest import digest_messages
from agreements.models import fold_ended, roll_terms
from agreements.models.schedule import claim, was_run
from agreements.services import instruments_promote_due

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the scheduled jobs forever: promotions hourly, the digest weekly."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the due jobs once and exit.")

    def handle(self, *args, once=False, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        while self.running:
            try:
                run_due_jobs(timezone.localtime())
            except DatabaseError:
                # The database is away; the next round tries again.
                log.exception("worker: the database is unavailable")
            if once:
                return
            # An hour apart, the connection may have gone stale: the next round opens a new one.
            close_old_connections()
            self.sleep(3600)

    def sleep(self, seconds: int) -> None:
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(1)

    def stop(self, signum, frame):
        self.running = False


def run_due_jobs(now: datetime.datetime) -> None:
    hour = now.strftime("%Y-%m-%dT%H")
    with transaction.atomic():
        if claim("promotions", hour):
            with command_context("run_worker"):
                promoted = instruments_promote_due()
            log.info("worker: %d instrument(s) entered into force", len(promoted))
            log.info("worker: %d term(s) rolled forward", roll_terms(now.date()))
    with transaction.atomic():
        if claim("clean-up", hour):
            expired, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
            log.info("worker: %d expired token(s) deleted", expired)
            log.info("worker: %d data version row(s) folded", fold_ended())
    week = digest_week(now)
    if now < week or was_run("digest-done", week.date().isoformat()):
        return
    sent = 0
    for recipient, message in digest_messages(on=now.date()).items():
        with transaction.atomic():
            # Sent inside the claim's transaction: a failed send rolls the claim back.
            if claim("digest", week.date().isoformat(), recipient):
                message.send()
                sent += 1
    with transaction.atomic():
        claim("digest-done", week.date().isoformat())
    log.info("worker: %d digest(s) sent", sent)


def digest_week(now: datetime.datetime) -> datetime.datetime:
    """When this week's digest is due: DIGEST_WEEKDAY at DIGEST_HOUR of the week of `now`."""
    monday = now.date() - datetime.timedelta(days=now.weekday())
    day = monday + datetime.timedelta(days=settings.DIGEST_WEEKDAY)
    return now.replace(
        year=day.year,
        month=day.month,
        day=day.day,
        hour=settings.DIGEST_HOUR,
        minute=0,
        second=0,
        microsecond=0,
    )
