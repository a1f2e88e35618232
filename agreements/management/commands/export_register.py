import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from agreements.register.export import register_rows, register_xlsx
from agreements.register.instruments import COLUMNS


class Command(BaseCommand):
    help = (
        "Export every instrument as a register, in the layout import_register reads: "
        "export_register out.csv, out.xlsx, or - for CSV on standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        if path.endswith(".xlsx"):
            Path(path).write_bytes(register_xlsx())
            return
        with open(path, "w", encoding="utf-8", newline="") if path != "-" else sys.stdout as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            writer.writerows(register_rows())
