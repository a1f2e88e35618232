from django.core.management.base import BaseCommand

from agreements.audit_events import command_context
from agreements.management.dates import add_date_option, date_option
from agreements.services import instruments_promote_due


class Command(BaseCommand):
    help = (
        "Bring into force every signed instrument whose entry-into-force date, worked out from "
        "its rule, has arrived. Run it daily (cron or a scheduler)."
    )

    def add_arguments(self, parser):
        add_date_option(parser)

    def handle(self, *args, date=None, **options):
        with command_context("promote_due_instruments"):
            changes = instruments_promote_due(on=date_option(date))
        for change in changes:
            self.stdout.write(f"In force on {change.happened_on}: {change.instrument}")
        self.stdout.write(self.style.SUCCESS(f"{len(changes)} instrument(s) entered into force."))
