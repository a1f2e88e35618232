"""The API's pages: 50 (up to 500), counted only so far (`agreements.lists.paging`, which the
admin and the pages share)."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from agreements.lists.paging import (
    CAPPED_SECONDS,
    COUNT_LIMIT,
    CappedCountPaginator,
    rows_to_count,
)
from agreements.whole_numbers import parse_whole_number


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
