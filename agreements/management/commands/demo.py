from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Migrate, load the demo data and logins, and serve the app at http://127.0.0.1:8000 "
        "(the README's first command ends here)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")

    def handle(self, *args, port, **options):
        call_command("migrate", verbosity=0)
        call_command("load_demo", users=True)
        self.stdout.write(self.style.SUCCESS(f"Open http://127.0.0.1:{port}/ and log in as above."))
        # One process, no autoreloader: on SIGTERM the reloader's parent SIGKILLs its child, which
        # then never releases the embedded database. For development, use runserver itself.
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
