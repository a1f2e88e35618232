"""The API's filter backend: django-filter's, keeping the filter set it applied on the view, so
that the paginator decides what to count from the filters' cleaned data
(`agreements.lists.paging.rows_to_count`), never from the raw query string."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        view.filterset = filterset
        return filterset
