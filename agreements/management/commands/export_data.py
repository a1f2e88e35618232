from django.core.management.base import BaseCommand

from agreements.data_dump import export_data


class Command(BaseCommand):
    help = "Write every object, relation, audit event and user as JSON: export_data > dump.json"

    def handle(self, *args, **options):
        self.stdout.ending = ""  # the export writes its own line ends
        counts = export_data(self.stdout)
        total = sum(counts.values())
        self.stderr.write(f"Exported {total} rows from {len(counts)} tables.")
