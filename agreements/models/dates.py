"""What "today" is for the data, and the windows that make a follow-up due soon or stale."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

DUE_SOON_DAYS = 30
STALE_AFTER_DAYS = 90


# The latest date a person may enter. Calendars, the feed's "day after" and the projections add
# days and months to the dates recorded; near 9999-12-31 that overflows (a follow-up due then took
# every calendar feed down). Nothing the application tracks is due a thousand years ahead.
LATEST_DATE = datetime.date(2999, 12, 31)


def today() -> datetime.date:
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months (negative: back); a day the month lacks becomes its last day:
    31 August - 6 months = 28 (or 29) February, 29 February 2024 + 12 months = 28 February 2025."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validate_not_too_late(value: datetime.date) -> None:
    """A field validator for every date people enter (admin, API and commands alike)."""
    if value > LATEST_DATE:
        raise ValidationError(
            f"That date is too far ahead: give one no later than {LATEST_DATE:%-d %B %Y}.",
            code="date_too_late",
        )
