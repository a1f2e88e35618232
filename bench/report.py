"""Turn bench/results/*.json into one table (markdown on stdout, JSON in bench/results/report.json):
p50 and p95 per request at each scale, the queries per request, and the growth of p50 from the
smallest scale to the largest.

    .venv/bin/python bench/report.py
"""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load() -> list[dict]:
    runs = [
        json.loads(path.read_text())
        for path in RESULTS.glob("*.json")
        if path.name != "report.json"
    ]
    return sorted(runs, key=lambda run: run["instruments"])


def main() -> None:
    runs = load()
    if not runs:
        raise SystemExit("No results yet: run bench/run.py first.")
    names = list(runs[0]["requests"])
    header = ["request"]
    for run in runs:
        header += [f"{run['label']} p50 ms", f"{run['label']} p95 ms"]
    header += ["queries", f"growth {runs[0]['label']}→{runs[-1]['label']}"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    table = {}
    for name in names:
        cells = [name]
        for run in runs:
            figures = run["requests"].get(name, {})
            cells += [str(figures.get("p50_ms", "")), str(figures.get("p95_ms", ""))]
        queries = sorted({str(run["requests"][name]["queries"]) for run in runs})
        first, last = runs[0]["requests"][name]["p50_ms"], runs[-1]["requests"][name]["p50_ms"]
        growth = round(last / first, 2)
        cells += [" / ".join(queries), f"{growth}×"]
        lines.append("| " + " | ".join(cells) + " |")
        table[name] = {"queries": queries, "growth": growth}
    print("\n".join(lines))
    print()
    for run in runs:
        print(
            f"- {run['label']} ({run['instruments']:,} instruments): instruments list "
            f"{run['instruments_list_rps']} requests/s with 4 clients; CSV export peak worker "
            f"memory {run['csv_peak_memory_kb'] / 1024:.0f} MiB."
        )
    for run in runs:
        peers = run.get("peers")
        if not peers:
            continue
        print(f"\nThe instruments list beside its peers, {run['label']}:\n")
        print("| server | p50 ms | p95 ms | requests/s (4 clients) | throughput ÷ Bilateral's |")
        print("|---|---|---|---|---|")
        for name, figures in peers.items():
            print(
                f"| {name} | {figures['p50_ms']} | {figures['p95_ms']} | "
                f"{figures['requests_per_second']} | {figures['throughput_vs_bilateral']} |"
            )
    (RESULTS / "report.json").write_text(
        json.dumps({"runs": runs, "summary": table}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
