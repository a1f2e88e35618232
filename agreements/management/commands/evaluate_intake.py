from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.intake.evaluate import CHECKED_FIELDS, KINDS, evaluate_directory, percent


class Command(BaseCommand):
    help = (
        "Measure the intake extractor on labelled reports: NAME.txt beside NAME.expected.json. "
        "Prints precision and recall per kind of item and how often kinds, statuses and dates "
        "are right; --verbose lists what each report missed or invented."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A folder of NAME.txt and NAME.expected.json.")

    def handle(self, *args, directory, verbosity=1, **options):
        if not Path(directory).is_dir():
            raise CommandError(f"No folder at {directory}.")
        totals, results = evaluate_directory(Path(directory))
        if not results:
            raise CommandError(f"No NAME.expected.json in {directory}.")
        self.stdout.write(f"{len(results)} labelled reports in {directory}\n")
        self.stdout.write(
            f"{'':12} {'found':>6} {'proposed':>9} {'expected':>9} "
            f"{'precision':>10} {'recall':>7}  fields right (of those found)"
        )
        for kind in KINDS:
            tally = totals[kind]
            fields = ", ".join(
                f"{name} {percent(tally.share_right(name))}" for name in CHECKED_FIELDS[kind]
            )
            self.stdout.write(
                f"{kind:12} {tally.found:>6} {tally.proposed:>9} {tally.expected:>9} "
                f"{percent(tally.precision):>10} {percent(tally.recall):>7}  {fields}"
            )
        if verbosity > 1:
            for result in results:
                for kind in KINDS:
                    for title in result.missed[kind]:
                        self.stdout.write(f"{result.name}: missed {kind}: {title}")
                    for title in result.invented[kind]:
                        self.stdout.write(f"{result.name}: invented {kind}: {title}")
                for kind, title, name, proposed, expected in result.wrong:
                    self.stdout.write(
                        f"{result.name}: {kind} “{title}”: {name} {proposed!r}, "
                        f"expected {expected!r}"
                    )
