"""The `--date` option of the commands run by cron: act as if today were another day."""

import datetime

from django.core.management.base import CommandError


def add_date_option(parser) -> None:
    parser.add_argument("--date", help="Act as if today were YYYY-MM-DD (default: today).")


def date_option(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}.") from None
