"""manage.py import_register FILE [--dry-run] [--kind KIND]: a register in, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.audit_events import command_context
from agreements.register.files import FileRefused
from agreements.register.kinds import KINDS
from agreements.register.run import import_register


class Command(BaseCommand):
    help = (
        "Import a register of instruments, meetings, follow-ups, organizations or people (CSV or "
        "Excel .xlsx; columns in docs/import.md), all or nothing. The kind is told from the "
        "columns unless --kind says it. With --dry-run, only say what it would add, change and "
        "leave alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Preview: write nothing.")
        parser.add_argument(
            "--kind",
            choices=list(KINDS),
            help="The kind of register (by default, told from the file's columns).",
        )

    def handle(self, *args, path, dry_run, kind, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"There is no file {path}.")

        def progress(done, total):
            of = f" of {total}" if total else ""
            self.stderr.write(f"\r{done}{of} rows", ending="")

        try:
            with command_context("import_register"):
                outcome = import_register(
                    file, filename=file.name, dry_run=dry_run, kind=kind, progress=progress
                )
        except FileRefused as error:
            raise CommandError(str(error)) from None
        finally:
            self.stderr.write("")
        for problem in outcome.problems:
            self.stdout.write(str(problem))
        if outcome.problem_count > len(outcome.problems):
            self.stdout.write(f"… and {outcome.problem_count - len(outcome.problems)} more.")
        if outcome.problem_count:
            raise CommandError(f"{outcome.summary} Nothing was written.")
        self.stdout.write(self.style.SUCCESS(outcome.summary))
