import sys

from django.core.management.base import BaseCommand, CommandError

from agreements.data_dump import ImportRefused, import_data


class Command(BaseCommand):
    help = (
        "Load an export (export_data) into a newly migrated, empty database: "
        "import_data dump.json, or import_data - < dump.json"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The export file, or - for standard input.")

    def handle(self, *args, path, **options):
        try:
            if path == "-":
                counts = import_data(sys.stdin)
            else:
                with open(path, encoding="utf-8") as source:
                    counts = import_data(source)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Imported {total} rows into {len(counts)} tables."))
