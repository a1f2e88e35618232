"""Pages of 50 (up to 500), counted only so far: counting a million matching rows to serve fifty
costs more than the page itself, and grows with the data."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from agreements.models.pairs import pair_rows_for_list
from agreements.whole_numbers import parse_whole_number

COUNT_LIMIT = 10_000
# How long a list found beyond COUNT_LIMIT is taken to stay beyond it, without counting again.
CAPPED_SECONDS = 300


def page_size_from(request, *, default: int, maximum: int) -> int:
    """`?page_size=`, refused with 400 unless a whole number from 1 to `maximum`. (DRF quietly
    clamps a size above the maximum and ignores one it cannot read: a program asking for 1000
    rows would take the 500 it got for all there is.) Empty, like absent, means `default`."""
    value = request.query_params.get("page_size", "")
    if value == "":
        return default
    size = parse_whole_number(value)
    if size is None or not 1 <= size <= maximum:
        raise ValidationError({"page_size": f"Give a whole number from 1 to {maximum}."})
    return size


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_LIMIT + 1 rows (SELECT count(*) FROM (... LIMIT 10001)), in no
    particular order: ordering them first would make PostgreSQL read them in the list's order
    instead of the cheapest way (for a full-text match, the text index).

    `count_from`: other rows that are as many as the list's, cheaper to count (a pair's rows).

    Below the cap a count is cheap: it reads at most COUNT_LIMIT + 1 rows. Beyond it, it can
    cost far more: a full-text match first lists every matching row from the text index, then
    applies the LIMIT (185,000 rows for "visa" at a million instruments). So a list found
    beyond the cap is remembered as such, by its SQL, in the cache for CAPPED_SECONDS: the next
    pages and the next users of that list are not counted again. Only a mass deletion brings a
    list from over 10,000 rows to under it in minutes; it then shows "more than 10,000" for
    up to CAPPED_SECONDS longer than it should."""

    def __init__(self, object_list, per_page, *args, count_from=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_from = count_from

    @cached_property
    def count(self) -> int:
        object_list = self.object_list if self.count_from is None else self.count_from
        # Only the ids: a list's computed columns cost nothing to a count.
        rows = object_list.order_by().values("pk")[: COUNT_LIMIT + 1]
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

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_LIMIT


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    count_from = None

    def get_page_size(self, request):
        return page_size_from(request, default=self.page_size, maximum=self.max_page_size)

    def check_query(self, request) -> None:
        """Refuse what a page would refuse, for a CSV that holds every row and so pages none."""
        self.get_page_size(request)
        page = request.query_params.get(self.page_query_param, "")
        if page not in ("", *self.last_page_strings) and not parse_whole_number(page):
            raise NotFound(f"There is no page {page[:20]!r}: pages are numbered from 1.")

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = f"Rows per page: {self.page_size} unless given."
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        # Called after the filters have refused a bad `pair=`.
        self.count_from = pair_rows_for_list(queryset.model, request.query_params)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):
        return CappedCountPaginator(object_list, per_page, count_from=self.count_from)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, COUNT_LIMIT),
                "count_is_capped": paginator.count_is_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"Exact up to {COUNT_LIMIT:,}; beyond that, {COUNT_LIMIT:,} with count_is_capped "
            f"(a list found beyond it is taken to stay so for {CAPPED_SECONDS // 60} minutes)."
        )
        response["properties"]["count_is_capped"] = {"type": "boolean"}
        response["required"].append("count_is_capped")
        return response
