from django.core.management.base import BaseCommand, CommandError

from agreements.audit_events import command_context
from agreements.demo import DemoDataError, create_demo_users, load_demo


class Command(BaseCommand):
    help = (
        "Record the demo data set: the Kazakhstan–Israel visit to Astana of January 2026. "
        "Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--users",
            action="store_true",
            help="Also create the demo logins (admin, analyst, manager, consumer) with known "
            "passwords. For a demo machine only.",
        )

    def handle(self, *args, users=False, **options):
        try:
            with command_context("load_demo"):
                created = load_demo()
        except DemoDataError as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded (new: {summary})."))
        if users:
            for username, password, role in create_demo_users():
                self.stdout.write(f"  login {username} / {password} ({role or 'superuser'})")
