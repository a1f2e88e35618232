"""How good the extractor is, measured on labelled reports: NAME.txt with NAME.expected.json (the
draft shape, as a careful analyst would fill it). Proposed and expected items are paired one to
one, best title match first; precision and recall count the pairs, and the fields of each pair
(kind, status, dates) are compared for how often they are right."""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rapidfuzz import fuzz

from agreements.intake.extract import extract

KINDS = ["meetings", "instruments", "follow_ups", "indicators", "people"]
# The fields whose rightness is measured on the pairs found, per kind of item.
CHECKED_FIELDS = {
    "meetings": ["kind", "status", "starts_on", "round"],
    "instruments": ["kind", "status", "signed_on", "parties"],
    "follow_ups": ["due_on", "responsible_state"],
    "indicators": ["period_start", "period_end", "unit"],
    "people": ["state"],
}
TITLE_MATCH = 60  # rapidfuzz token-set ratio from which two titles name the same thing


@dataclass
class Tally:
    found: int = 0  # pairs of a proposed and an expected item
    proposed: int = 0
    expected: int = 0
    right: dict = field(default_factory=dict)  # field -> pairs where it is right

    @property
    def precision(self) -> float | None:
        return self.found / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    def share_right(self, name: str) -> float | None:
        return self.right.get(name, 0) / self.found if self.found else None


@dataclass
class ReportResult:
    name: str
    tallies: dict
    missed: dict  # kind -> expected titles not proposed
    invented: dict  # kind -> proposed titles not expected
    wrong: list = field(default_factory=list)  # (kind, title, field, proposed, expected)


def label(item: dict, kind: str) -> str:
    if kind == "people":
        return item.get("name", "")
    if kind == "indicators":
        return f"{item.get('metric')} {item.get('value')}"
    return item.get("title", "")


def _similarity(kind: str, proposed: dict, expected: dict) -> float:
    if kind == "indicators":
        same = proposed.get("metric") == expected.get("metric") and Decimal(
            str(proposed.get("value"))
        ) == Decimal(str(expected.get("value")))
        return 100.0 if same else 0.0
    if kind == "people":
        a, b = proposed["name"].lower(), expected["name"].lower()
        return 100.0 if a == b or a.split()[-1] == b.split()[-1] else 0.0
    score = fuzz.token_set_ratio(proposed["title"].lower(), expected["title"].lower())
    if score < TITLE_MATCH:
        return 0.0
    # Between equally close titles, the one of the same kind and status is the better pair.
    bonus = sum(proposed.get(key) == expected.get(key) for key in ("kind", "status")) * 5
    return score + bonus


def pair_up(kind: str, proposed: list[dict], expected: list[dict]) -> list[tuple[int, int]]:
    scored = sorted(
        (
            (_similarity(kind, p, e), i, j)
            for i, p in enumerate(proposed)
            for j, e in enumerate(expected)
        ),
        reverse=True,
    )
    used_p, used_e, pairs = set(), set(), []
    for score, i, j in scored:
        if score <= 0 or i in used_p or j in used_e:
            continue
        used_p.add(i)
        used_e.add(j)
        pairs.append((i, j))
    return pairs


def _field_right(name: str, proposed: dict, expected: dict) -> bool:
    if name == "parties":
        return sorted(p["state"] if isinstance(p, dict) else p for p in proposed["parties"]) == (
            sorted(p["state"] if isinstance(p, dict) else p for p in expected["parties"])
        )
    return proposed.get(name) == expected.get(name)


def evaluate_report(text: str, expected: dict, name: str = "") -> ReportResult:
    source = expected.get("source", {})
    published = source.get("published_on")
    draft = extract(
        text, published_on=datetime.date.fromisoformat(published) if published else None
    ).as_json()
    tallies, missed, invented, wrong = {}, {}, {}, []
    for kind in KINDS:
        proposed, wanted = draft[kind], expected.get(kind, [])
        pairs = pair_up(kind, proposed, wanted)
        tally = Tally(found=len(pairs), proposed=len(proposed), expected=len(wanted))
        for name_ in CHECKED_FIELDS[kind]:
            tally.right[name_] = sum(_field_right(name_, proposed[i], wanted[j]) for i, j in pairs)
        tallies[kind] = tally
        for i, j in pairs:
            for name_ in CHECKED_FIELDS[kind]:
                if not _field_right(name_, proposed[i], wanted[j]):
                    wrong.append(
                        (
                            kind,
                            label(wanted[j], kind),
                            name_,
                            proposed[i].get(name_),
                            wanted[j].get(name_),
                        )
                    )
        paired_p = {i for i, _ in pairs}
        paired_e = {j for _, j in pairs}
        missed[kind] = [label(e, kind) for j, e in enumerate(wanted) if j not in paired_e]
        invented[kind] = [label(p, kind) for i, p in enumerate(proposed) if i not in paired_p]
    return ReportResult(name, tallies, missed, invented, wrong)


def evaluate_directory(directory: Path) -> tuple[dict, list[ReportResult]]:
    """Every NAME.txt with a NAME.expected.json beside it; returns the totals and each report's."""
    results = []
    for expected_path in sorted(Path(directory).glob("*.expected.json")):
        text_path = expected_path.with_name(expected_path.name.replace(".expected.json", ".txt"))
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        results.append(
            evaluate_report(text_path.read_text(encoding="utf-8"), expected, text_path.stem)
        )
    totals = {}
    for kind in KINDS:
        total = Tally()
        for result in results:
            tally = result.tallies[kind]
            total.found += tally.found
            total.proposed += tally.proposed
            total.expected += tally.expected
            for name, count in tally.right.items():
                total.right[name] = total.right.get(name, 0) + count
        totals[kind] = total
    return totals, results


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
