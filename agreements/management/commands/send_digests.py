from django.core.management.base import BaseCommand

from agreements.digest import send_digests
from agreements.management.dates import add_date_option, date_option


class Command(BaseCommand):
    help = (
        "E-mail the weekly digest: follow-ups that became overdue in the past week or fall due "
        "within 14 days, to every manager and to each responsible contact. Run it weekly (cron)."
    )

    def add_arguments(self, parser):
        add_date_option(parser)

    def handle(self, *args, date=None, **options):
        sent = send_digests(on=date_option(date))
        self.stdout.write(self.style.SUCCESS(f"{sent} digest(s) sent."))
