"""Pages of a list with a capped count, for the API, the admin and the pages alike: counting a
million matching rows to serve fifty costs more than the page itself, and grows with the data.

One count path: `CappedCountPaginator.count` counts what `rows_to_count` chose (the list's own
rows, or the pair's rows when the list is filtered by its pair alone) through `capped_count`,
which remembers a list found beyond the cap."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from agreements.models.pairs import PAIR_ROWS

COUNT_LIMIT = 10_000
# How long a list found beyond COUNT_LIMIT is taken to stay beyond it, without counting again.
CAPPED_SECONDS = 300


def capped_count(rows) -> int:
    """How many rows `rows` (a queryset) holds, counting at most COUNT_LIMIT + 1 of them
    (SELECT count(*) FROM (... LIMIT 10001)), in no particular order: ordering them first would
    make PostgreSQL read them in the list's order instead of the cheapest way (for a full-text
    match, the text index).

    Below the cap a count is cheap: it reads at most COUNT_LIMIT + 1 rows. Beyond it, it can
    cost far more: a full-text match first lists every matching row from the text index, then
    applies the LIMIT (185,000 rows for "visa" at a million instruments). So a list found
    beyond the cap is remembered as such, by its SQL, in the cache for CAPPED_SECONDS: the next
    pages and the next users of that list are not counted again. Only a mass deletion brings a
    list from over 10,000 rows to under it in minutes; it then shows "more than 10,000" for
    up to CAPPED_SECONDS longer than it should."""
    # Only the ids: a list's computed columns cost nothing to a count.
    rows = rows.order_by().values("pk")[: COUNT_LIMIT + 1]
    try:
        sql = repr((rows.db, *rows.query.sql_with_params()))
    except EmptyResultSet:  # a filter nothing can match, such as an empty IN ()
        return 0
    key = "capped-count:" + hashlib.sha256(sql.encode()).hexdigest()
    if cache.get(key):
        return COUNT_LIMIT + 1
    count = rows.count()
    if count > COUNT_LIMIT:
        cache.set(key, True, CAPPED_SECONDS)
    return count


def rows_to_count(filterset):
    """For a list filtered by nothing but a pair, that pair's rows (`models.pairs.PAIR_ROWS`):
    as many as the list's, and cheaper to count. Otherwise None: count the list itself.

    `filterset`: the list's filter set, already found valid. What it was given is read from its
    cleaned data (an empty value is no filter); a list its view had already narrowed before the
    filters (the API's `as_of`) is no longer the whole of the pair's rows."""
    model = filterset.queryset.model
    given = {name for name, value in filterset.form.cleaned_data.items() if is_given(value)}
    if model not in PAIR_ROWS or given != {"pair"} or filterset.queryset.query.where:
        return None
    pair = filterset.form.cleaned_data["pair"]
    return PAIR_ROWS[model].objects.of(pair.first.code, pair.second.code)


def is_given(value) -> bool:
    """Whether a filter form's cleaned value filters at all: an empty box, an empty choice of
    several (`[]`, or no states: an empty queryset) or an unticked box is no filter."""
    if isinstance(value, QuerySet):
        return not value.query.is_empty()
    return value not in (None, "", [])


class CappedCountPaginator(Paginator):
    """Django's paginator, counting through `capped_count`. `count_from`: other rows that are
    as many as the list's, cheaper to count (see `rows_to_count`)."""

    def __init__(self, object_list, per_page, *args, count_from=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_from = count_from

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list if self.count_from is None else self.count_from)

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_LIMIT

    @property
    def count_shown(self) -> int:
        """The count as a list says it: exact up to COUNT_LIMIT, then COUNT_LIMIT (capped)."""
        return min(self.count, COUNT_LIMIT)
