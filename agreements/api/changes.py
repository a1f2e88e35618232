"""GET /api/v1/changes/?since=<id>: what changed, oldest first, for consumers that sync
incrementally. Keyset pagination over (txid, id) of finished transactions (see
`Change.objects.finished`): following `next` never skips or repeats a change, even while others
write."""

from django.db.models import Max
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from agreements.api.csv_lists import CSVListMixin
from agreements.api.pagination import page_size_from
from agreements.models import Change
from agreements.whole_numbers import parse_whole_number


class ChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Change
        fields = ["id", "at", "object_type", "object_id", "action"]


NOTHING_YET = object()


class SincePagination(BasePagination):
    page_size = 100
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.since = self._since(request)
        if self.since is NOTHING_YET:
            self.page, self.has_more = [], False
            return self.page
        if self.since is not None:
            queryset = queryset.after(self.since)
        size = self._size(request)
        rows = list(queryset.order_by("txid", "id")[: size + 1])
        self.has_more = len(rows) > size
        self.page = rows[:size]
        return self.page

    def get_paginated_response(self, data):
        if self.since is NOTHING_YET:
            last = self.request.query_params["since"]
        else:
            last = self.page[-1].pk if self.page else (self.since.pk if self.since else 0)
        next_url = self.request.build_absolute_uri(f"{reverse('change-list')}?since={last}")
        # `next` is always given: poll it for what comes after.
        return Response({"next": next_url, "has_more": self.has_more, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "has_more", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri"},
                "has_more": {"type": "boolean"},
                "results": schema,
            },
        }

    def check_query(self, request) -> None:
        """Refuse what a page would refuse, for a CSV that holds every change."""
        self._since(request)
        self._size(request)

    def _since(self, request):
        value = request.query_params.get("since")
        if value in (None, "", "0"):
            return None
        number = parse_whole_number(value)
        if number is not None:
            try:
                return Change.objects.get(pk=number)
            except Change.DoesNotExist:
                pass
            # An id beyond the newest change: nothing has happened since, yet (poll again).
            if number > (Change.objects.aggregate(Max("id"))["id__max"] or 0):
                return NOTHING_YET
        raise ValidationError({"since": f"No change has the id {value!r}."})

    def _size(self, request):
        return page_size_from(request, default=self.page_size, maximum=self.max_page_size)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "since",
            {"type": "integer", "minimum": 0},
            description="The last change id you have (0: from the start).",
        ),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": SincePagination.max_page_size},
            description=f"Rows per page: {SincePagination.page_size} unless given.",
        ),
    ]
)
class ChangeViewSet(CSVListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every create, update, delete and status change, oldest first."""

    queryset = Change.objects.finished()
    serializer_class = ChangeSerializer
    pagination_class = SincePagination
    # The feed tells only which object changed; every role may read every object.
    permission_classes = [IsAuthenticated]
    filter_backends = []
