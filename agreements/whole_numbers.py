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
