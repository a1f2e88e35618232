"""Whole numbers read from URLs and query strings.

`int()` and `str.isdigit()` disagree about what a number is: "²" is a digit to one and not the
other (a 500 on `/calendar/²-x.ics`), and `int()` also takes "١٢", " 12", "+12" and "1_2". Ids and
counts in a URL are written in ASCII digits and nothing else.
"""

import re

ASCII_DIGITS = re.compile(r"[0-9]+")


def parse_whole_number(text: str | None) -> int | None:
    """The number `text` writes in ASCII digits, or None when it is anything else."""
    if text is None or not ASCII_DIGITS.fullmatch(text):
        return None
    return int(text)


def page_number(text: str | None) -> int | None:
    """`?page=N` as a number, or None when it is not one: at most six digits (no list pages past
    its count's cap of 10,000 items, so a longer number is a mistake, not a page)."""
    return parse_whole_number(text) if text and len(text) < 7 else None
