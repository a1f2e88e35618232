"""Pages of 50 (up to 500), counted only so far: counting a million matching rows to serve fifty
costs more than the page itself, and grows with the data."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.response import Response

from agreements.models.pairs import pair_rows_for_list

COUNT_LIMIT = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_LIMIT + 1 rows (SELECT count(*) FROM (... LIMIT 10001)), in no
    particular order: ordering them first would make PostgreSQL read them in the list's order
    instead of the cheapest way (for a full-text match, the text index).

    `count_from`: other rows that are as many as the list's, cheaper to count (a pair's rows)."""

    def __init__(self, object_list, per_page, *args, count_from=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_from = count_from

    @cached_property
    def count(self) -> int:
        object_list = self.object_list if self.count_from is None else self.count_from
        if hasattr(object_list, "order_by"):
            # Only the ids: a list's computed columns cost nothing to a count.
            object_list = object_list.order_by().values("pk")
        return object_list[: COUNT_LIMIT + 1].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_LIMIT


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    count_from = None

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
            f"Exact up to {COUNT_LIMIT:,}; beyond that, {COUNT_LIMIT:,} with count_is_capped."
        )
        response["properties"]["count_is_capped"] = {"type": "boolean"}
        response["required"].append("count_is_capped")
        return response
