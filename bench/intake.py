"""How long the intake extractor takes on a long report: the labelled reports of tests/intake
repeated until the text has 50,000 words (or --words), drafted once cold and then --runs times.

    .venv/bin/python bench/intake.py [--words 50000] [--runs 3]

Not a timed test: the machine's load changes the figure. docs/intake.md keeps the one measured.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilateral.settings")

import django  # noqa: E402

django.setup()

from agreements.intake.extract import extract  # noqa: E402

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "intake"


def long_report(words: int) -> str:
    reports = [path.read_text(encoding="utf-8") for path in sorted(LABELLED.glob("*.txt"))]
    parts, count = [], 0
    while count < words:
        for report in reports:
            parts.append(report)
            count += len(report.split())
            if count >= words:
                break
    return "\n\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = long_report(args.words)
    started = time.perf_counter()
    draft = extract(text)
    cold = time.perf_counter() - started
    timings, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        extract(text)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    # CPU time as well as wall time: on a shared machine the wall clock measures the neighbours.
    print(
        f"{len(text.split()):,} words, {len(text):,} characters: first draft {cold:.2f} s "
        f"(loading spaCy and dateparser included), then median {statistics.median(timings):.2f} s "
        f"wall, {statistics.median(cpu):.2f} s CPU over {args.runs} runs (load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); {len(draft.instruments)} "
        f"instruments, {len(draft.meetings)} meetings, {len(draft.follow_ups)} follow-ups proposed."
    )


if __name__ == "__main__":
    main()
