import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.intake.extract import NotAReport, extract
from agreements.intake.text import UnreadableReport, text_from_file
from agreements.management.dates import date_option


class Command(BaseCommand):
    help = (
        "Propose, from a report of a visit (.txt, .html, .pdf or .docx), the meetings, "
        "instruments, follow-ups, figures and people it tells of. Writes nothing; --json "
        "prints the draft in "
        "the shape docs/intake.md documents."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The report: a .txt, .html, .pdf or .docx file.")
        parser.add_argument(
            "--date",
            help="The report's publication date, YYYY-MM-DD: “on Tuesday” is read "
            "against it (default: today).",
        )
        parser.add_argument("--publisher", default="")
        parser.add_argument("--url", default="")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the draft as JSON."
        )

    def handle(self, *args, file, date=None, publisher="", url="", as_json=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        try:
            text = text_from_file(path.name, path.read_bytes())
            draft = extract(
                text,
                published_on=date_option(date) if date else None,
                publisher=publisher,
                url=url,
            )
        except (UnreadableReport, NotAReport) as error:
            raise CommandError(str(error)) from error
        shape = draft.as_json()
        if as_json:
            self.stdout.write(json.dumps(shape, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{shape['source']['title']} — {'–'.join(shape['pair'])}")
        for key in ("meetings", "instruments", "follow_ups", "indicators", "people"):
            self.stdout.write(f"\n{key.replace('_', '-').capitalize()} ({len(shape[key])})")
            for item in shape[key]:
                label = item.get("title") or item.get("name") or item.get("metric")
                detail = item.get("status") or item.get("role") or item.get("value") or ""
                self.stdout.write(f"  [{item['confidence']:.2f}] {label} ({detail})")
