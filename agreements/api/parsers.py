"""The API's JSON parser: DRF's, with a bound on nesting.

Python's decoder recurses once per level: a body of 10,000 `[` (20 KB, well under the size
limit) overflowed the stack and answered 500. No body the API accepts is more than a few levels
deep, so anything deeper than MAX_DEPTH is refused before any view sees it.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32
TOO_DEEP = f"The JSON body is nested more than {MAX_DEPTH} levels deep; no request needs that."


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if _depth_exceeds(data, MAX_DEPTH):
            raise ParseError(TOO_DEEP)
        return data


def _depth_exceeds(data, limit: int) -> bool:
    """Walks the parsed body without recursion (the point is not to overflow the stack)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return False
