import datetime

from django.core.management.base import BaseCommand, CommandError

from agreements.digest import send_digests


class Command(BaseCommand):
    help = (
        "E-mail the weekly digest: follow-ups that became overdue in the past week or fall due "
        "within 14 days, to every manager and to each responsible contact. Run it weekly (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were YYYY-MM-DD (default: today).")

    def handle(self, *args, date=None, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from None
        sent = send_digests(on=on)
        self.stdout.write(self.style.SUCCESS(f"{sent} digest(s) sent."))
