import datetime

from django.core.management.base import BaseCommand, CommandError

from agreements.services import instruments_promote_due


class Command(BaseCommand):
    help = (
        "Bring into force every signed instrument whose entry-into-force date, worked out from "
        "its rule, has arrived. Run it daily (cron or a scheduler)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were YYYY-MM-DD (default: today).")

    def handle(self, *args, date=None, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from None
        changes = instruments_promote_due(on=on)
        for change in changes:
            self.stdout.write(f"In force on {change.happened_on}: {change.instrument}")
        self.stdout.write(self.style.SUCCESS(f"{len(changes)} instrument(s) entered into force."))
