"""Time a register import: a synthetic register of N instruments (or meetings: --kind meetings)
is previewed, imported and imported again (nothing to change), each in a process of its own so
that its peak memory (max RSS) is its own. Sizes given together show whether memory stays flat
as the file grows.

    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/import_register.py --rows 1000 5000
    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/import_register.py --kind meetings

Rerunnable: the records it adds (references BENCH-…) are deleted first and at the end, with
their audit events left behind as for any deletion. Use a scratch database: it writes.
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilateral.settings")

STATES = ["Kazakhstan", "Israel", "Uzbekistan", "Germany", "France", "Japan", "Türkiye", "India"]
KINDS = ["treaty", "agreement", "memorandum", "protocol", "programme"]
HEADER = [
    "reference",
    "title",
    "kind",
    "parties",
    "proposed_on",
    "under_negotiation_on",
    "signed_on",
    "in_force_on",
    "signature_place",
    "entry_into_force_rule",
    "entry_into_force_days",
    "duration_years",
    "notes",
]


def write_register(path: Path, rows: int) -> None:
    """Each instrument walks 1 to 4 steps of the lifecycle between 2015 and 2024."""
    rng = random.Random(rows)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for n in range(rows):
            first, second = rng.sample(STATES, 2)
            year = rng.randint(2015, 2023)
            steps = rng.randint(1, 4)
            dates = [f"{year}-0{i + 1}-1{i}" if i < steps else "" for i in range(4)]
            rule = rng.random() < 0.5
            writer.writerow(
                [
                    f"BENCH-{n}",
                    f"Agreement {n} between {first} and {second} on cooperation",
                    rng.choice(KINDS),
                    f"{first}; {second}",
                    *dates,
                    "Astana" if steps >= 3 else "",
                    "days_after_last_notification" if rule else "",
                    "30" if rule else "",
                    str(rng.choice([5, 10, ""])),
                    "Synthetic row for the import benchmark.",
                ]
            )


MEETING_HEADER = [
    "reference",
    "title",
    "kind",
    "status",
    "starts_on",
    "ends_on",
    "place",
    "host",
    "states",
    "sectors",
    "summary",
]
MEETING_KINDS = ["official visit", "political consultations", "joint commission", "call"]


def write_meetings(path: Path, rows: int) -> None:
    """Meetings of two states each, held between 2015 and 2024, one to three days long."""
    rng = random.Random(rows)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(MEETING_HEADER)
        for n in range(rows):
            first, second = rng.sample(STATES, 2)
            year, month, day = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 25)
            writer.writerow(
                [
                    f"BENCH-{n}",
                    f"Meeting {n} of {first} and {second}",
                    rng.choice(MEETING_KINDS),
                    "held",
                    f"{year}-{month:02}-{day:02}",
                    f"{year}-{month:02}-{day + rng.randint(0, 2):02}",
                    rng.choice(["Astana", "Jerusalem", "Tashkent", ""]),
                    first,
                    f"{first}; {second}",
                    rng.choice(["", "Water-resource management", "Public diplomacy"]),
                    "Synthetic row for the import benchmark.",
                ]
            )


def phase(name: str, path: Path) -> None:
    """Run one phase in this process and print its figures as JSON."""
    import django

    django.setup()
    from agreements.register.run import import_register

    started = time.perf_counter()
    outcome = import_register(path, filename=path.name, dry_run=name == "preview")
    seconds = time.perf_counter() - started
    assert not outcome.problem_count, outcome.problems[:5]
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "new": outcome.new,
                "changed": outcome.changed,
                "unchanged": outcome.unchanged,
            }
        )
    )


def clean() -> None:
    import django

    django.setup()
    from agreements.models import Instrument, Meeting

    Meeting.objects.filter(reference__startswith="BENCH-").delete()
    Instrument.objects.filter(reference__startswith="BENCH-").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000])
    parser.add_argument("--kind", choices=["instruments", "meetings"], default="instruments")
    parser.add_argument(
        "--phase", choices=["preview", "import", "reimport"], help=argparse.SUPPRESS
    )
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.file)
        return
    print(f"{'rows':>6} {'phase':>9} {'seconds':>8} {'max RSS MB':>11}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            run_python(["-c", "import bench.import_register as b; b.clean()"])
            path = Path(folder) / f"{args.kind}-{rows}.csv"
            (write_meetings if args.kind == "meetings" else write_register)(path, rows)
            for name in ("preview", "import", "reimport"):
                output = run_python([__file__, "--phase", name, "--file", str(path)])
                figures = json.loads(output.strip().splitlines()[-1])
                outcome = (
                    f"new {figures['new']}, changed {figures['changed']}, "
                    f"unchanged {figures['unchanged']}"
                )
                print(
                    f"{rows:>6} {name:>9} {figures['seconds']:>8} {figures['max_rss_mb']:>11}  "
                    f"{outcome}",
                    flush=True,
                )
        run_python(["-c", "import bench.import_register as b; b.clean()"])


def run_python(arguments: list[str]) -> str:
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


if __name__ == "__main__":
    main()
