"""manage.py export_register OUT [--kind KIND]: a register out, in the layout the import reads."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from agreements.register.export import register_csv_lines, register_xlsx
from agreements.register.kinds import KINDS


class Command(BaseCommand):
    help = (
        "Export every instrument (or meeting, follow-up, organization, person: --kind) as a "
        "register, in the layout import_register reads: export_register out.csv, out.xlsx, or - "
        "for CSV on standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", choices=list(KINDS), default="instruments")

    def handle(self, *args, path, kind, **options):
        if path.endswith(".xlsx"):
            Path(path).write_bytes(register_xlsx(kind))
            return
        with open(path, "w", encoding="utf-8", newline="") if path != "-" else sys.stdout as out:
            out.writelines(register_csv_lines(kind))
