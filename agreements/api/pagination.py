"""The API's pages: 50 (up to 500), counted only so far (`agreements.lists.paging`, which the
admin and the pages share)."""

from rest_framework import pagination
from rest_framework.response import Response

from agreements.lists.paging import (
    CAPPED_SECONDS,
    COUNT_LIMIT,
    CappedCountPaginator,
    rows_to_count,
)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    count_from = None

    def paginate_queryset(self, queryset, request, view=None):
        # Called after the filters have refused bad input, so the filter set is valid.
        filterset = getattr(view, "filterset", None)
        self.count_from = rows_to_count(filterset) if filterset is not None else None
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):
        return CappedCountPaginator(object_list, per_page, count_from=self.count_from)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count_shown,
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
