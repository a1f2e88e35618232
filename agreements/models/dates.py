"""What "today" is for the data, and the windows that make a follow-up due soon or stale."""

import datetime

from django.utils import timezone

DUE_SOON_DAYS = 30
STALE_AFTER_DAYS = 90


def today() -> datetime.date:
    return timezone.localdate()
