"""What "today" is for the data, and the windows that make a follow-up due soon or stale."""

import calendar
import datetime

from django.utils import timezone

DUE_SOON_DAYS = 30
STALE_AFTER_DAYS = 90


def today() -> datetime.date:
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months (negative: back); a day the month lacks becomes its last day:
    31 August - 6 months = 28 (or 29) February, 29 February 2024 + 12 months = 28 February 2025."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
