"""Dates as reports write them ("January 27, 2026", "27.01.2026", "on Tuesday", "January–November
2025"), found by patterns and read by dateparser against the publication date."""

import calendar
import datetime
import functools
import re
from dataclasses import dataclass

import dateparser

MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
ORD = r"(?:st|nd|rd|th)?"

# Most precise first: a full date wins over the month and day it contains.
DAY_PATTERNS = [
    rf"\b{MONTHS} \d{{1,2}}{ORD}(?:[–-]\d{{1,2}})?,? \d{{4}}\b",
    rf"\b\d{{1,2}}{ORD}(?:[–-]\d{{1,2}}{ORD})? (?:of )?{MONTHS},? \d{{4}}\b",
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\b\d{1,2}[./]\d{1,2}[./]\d{4}\b",
    rf"\b{MONTHS} \d{{1,2}}{ORD}\b(?!,? \d{{4}})(?!\.?\d)",
    rf"\b\d{{1,2}}{ORD} (?:of )?{MONTHS}(?!,? \d{{4}})",
    rf"\b(?:on|last|this|next) {WEEKDAYS}\b",
    r"\b(?:today|yesterday|tomorrow)\b",
]
DAY_RE = re.compile("|".join(f"(?:{pattern})" for pattern in DAY_PATTERNS))
MONTH_YEAR_RE = re.compile(rf"\b(?:in |by |until |before )?(?:the end of )?({MONTHS}) (\d{{4}})\b")
YEAR_END_RE = re.compile(r"\b(?:by|before|until|in|during) (?:the end of )?(\d{4})\b")
RELATIVE_END_RE = re.compile(
    r"\b(?:by|before) the end of (?:the |this )?(?P<this>year|month)\b|\blater this "
    r"(?P<later>year)\b|\b(?P<next>next year)\b|\bwithin (?P<months>\w+) months\b"
)
# Seasons as the northern hemisphere has them; the review page shows the date to correct.
SEASON_RE = re.compile(
    r"\b(?P<season>spring|summer|autumn|fall|winter) (?:of )?(?P<year>\d{4})\b", re.IGNORECASE
)
HALF_RE = re.compile(r"\b(?P<half>first|second) half of (?P<year>\d{4})\b", re.IGNORECASE)
END_OF_MONTH_RE = re.compile(rf"\b(?:by|before) the end of (?P<month>{MONTHS})(?!,? \d)")
SMALL_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


@dataclass(frozen=True)
class FoundDate:
    on: datetime.date
    start: int
    end: int
    text: str


@functools.lru_cache(maxsize=4096)
def parse(expression: str, base: datetime.date) -> datetime.date | None:
    """One date expression read against `base` (the publication date); past preferred."""
    expression = re.sub(r"(\d{1,2})[–-]\d{1,2}", r"\1", expression)  # "27-28 January": the 27th
    expression = re.sub(r"^(on|this) ", "", expression)
    weekday = expression.split()[-1] if expression else ""
    if weekday in calendar.day_name and not expression.startswith(("next", "last")):
        # "On Tuesday" in a report published on a Tuesday is that day, not a week before.
        back = (base.weekday() - list(calendar.day_name).index(weekday)) % 7
        return base - datetime.timedelta(days=back)
    parsed = dateparser.parse(
        expression,
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime.datetime.combine(base, datetime.time()),
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    return parsed.date() if parsed else None


def days_in(text: str, base: datetime.date) -> list[FoundDate]:
    """Every date with a day in a sentence, in the order written."""
    found = []
    for match in DAY_RE.finditer(text):
        on = parse(match.group(0), base)
        if on:
            found.append(FoundDate(on, match.start(), match.end(), match.group(0)))
    return found


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def due_in(text: str, base: datetime.date) -> datetime.date | None:
    """The date by which a promise is due, when the text gives one: a day, the end of a month or
    of a year, or a span from the publication date."""
    for found in days_in(text, base):
        if re.search(r"\b(by|before|on|until|no later than|for)\s+$", text[: found.start]):
            has_year = re.search(r"\d{4}", found.text)
            return found.on if has_year else _future(found.on, base)
    match = SEASON_RE.search(text)
    if match:
        year = int(match.group("year"))
        season = match.group("season").lower()
        if season == "winter":
            return month_end(year + 1, 2)
        return month_end(year, {"spring": 5, "summer": 8}.get(season, 11))
    match = HALF_RE.search(text)
    if match:
        return month_end(int(match.group("year")), 6 if match.group("half") == "first" else 12)
    match = MONTH_YEAR_RE.search(text)
    if match:
        month = parse(f"1 {match.group(1)} {match.group(2)}", base)
        if month:
            return month_end(month.year, month.month)
    match = YEAR_END_RE.search(text)
    if match:
        return datetime.date(int(match.group(1)), 12, 31)
    match = END_OF_MONTH_RE.search(text)
    if match:
        month = parse(f"1 {match.group('month')} {base.year}", base)
        if month:
            end = month_end(base.year, month.month)
            return end if end >= base else month_end(base.year + 1, month.month)
    match = RELATIVE_END_RE.search(text)
    if not match:
        return None
    if match.group("this") == "month":
        return month_end(base.year, base.month)
    if match.group("this") or match.group("later"):
        return datetime.date(base.year, 12, 31)
    if match.group("months"):
        raw = match.group("months").lower()
        months = SMALL_NUMBERS.get(raw) or (int(raw) if raw.isdigit() else 0)
        year, month = divmod(base.month - 1 + months, 12)
        return month_end(base.year + year, month + 1)
    return datetime.date(base.year + 1, 12, 31)


def _future(on: datetime.date, base: datetime.date) -> datetime.date:
    """A day without a year in a promise ("by 15 March") is the next one, not the last."""
    if on < base and on.year == base.year:
        try:
            return on.replace(year=on.year + 1)
        except ValueError:
            return on
    return on


PERIOD_PATTERNS = [
    # "January–November 2025"
    (re.compile(rf"\b({MONTHS})\s*(?:[–-]|to|through)\s*({MONTHS}),? (\d{{4}})\b"), "months"),
    # "the first half of 2025", "the first nine months of 2025", "the first quarter of 2025"
    (
        re.compile(r"\b(?:the )?first (half|quarter|(\w+) months) of (\d{4})\b", re.IGNORECASE),
        "first",
    ),
    (re.compile(r"\b(?:in|for|during|of) (?:the year )?(\d{4})\b", re.IGNORECASE), "year"),
    (re.compile(r"\blast year\b"), "last_year"),
]


def period_in(text: str, base: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The period a figure covers, when the text gives one."""
    for pattern, how in PERIOD_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        if how == "months":
            year = int(match.group(3))
            first = parse(f"1 {match.group(1)} {year}", base)
            last = parse(f"1 {match.group(2)} {year}", base)
            if first and last:
                return first.replace(day=1), month_end(year, last.month)
        elif how == "first":
            year = int(match.group(3))
            span = match.group(1).lower()
            months = {"half": 6, "quarter": 3}.get(span) or SMALL_NUMBERS.get(
                (match.group(2) or "").lower(), 0
            )
            if months:
                return datetime.date(year, 1, 1), month_end(year, months)
        elif how == "year":
            year = int(match.group(1))
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        else:
            return datetime.date(base.year - 1, 1, 1), datetime.date(base.year - 1, 12, 31)
    return None
