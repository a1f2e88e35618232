"""`?ordering=` with the id as the last tie-break."""

from rest_framework import filters


class OrderingFilter(filters.OrderingFilter):
    """Rows that tie on the fields asked for (the same title, the same status) come in id order,
    the same from one page to the next: without it PostgreSQL may return ties in any order,
    and a row could show on two pages or on none. The id goes in the direction of the last
    field, so that one index on (field, id) serves the field both ways
    (`agreements/models/orderings.py`)."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or request.query_params.get(self.ordering_param) is None:
            return ordering  # the model's own order, which ends with the id already
        return [*ordering, "-pk" if ordering[-1].startswith("-") else "pk"]
