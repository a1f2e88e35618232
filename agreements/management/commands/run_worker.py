"""The background worker of a deployment (docker-compose's `worker` service): the two scheduled
jobs, in one long-running process instead of cron.

- Every hour: bring into force the instruments whose entry-into-force date has come (safe to
  repeat: an instrument already in force is left alone), and delete expired API tokens (they
  are refused anyway; this keeps the table small).
- Once a week, on DIGEST_WEEKDAY (0 = Monday) from DIGEST_HOUR on: the managers' digest. The
  worker remembers the day it last sent it; a restart during that day may send it again.
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from knox.models import AuthToken

from agreements.audit_events import command_context
from agreements.digest import send_digests
from agreements.services import instruments_promote_due

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the scheduled jobs forever: promotions hourly, the digest weekly."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the due jobs once and exit.")

    def handle(self, *args, once=False, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        weekday, hour = settings.DIGEST_WEEKDAY, settings.DIGEST_HOUR
        last_digest_on = None
        while self.running:
            now = timezone.localtime()
            try:
                with command_context("run_worker"):
                    promoted = instruments_promote_due()
                log.info("worker: %d instrument(s) entered into force", len(promoted))
                expired, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
                log.info("worker: %d expired token(s) deleted", expired)
                if now.weekday() == weekday and now.hour >= hour and last_digest_on != now.date():
                    sent = send_digests()
                    last_digest_on = now.date()
                    log.info("worker: %d digest(s) sent", sent)
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
