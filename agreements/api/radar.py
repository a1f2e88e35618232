"""`/api/v1/radar/`: the radar's items (agreements/radar.py) for programs, read-only."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from agreements.api.conditional import ConditionalListMixin
from agreements.filters import RadarFilter
from agreements.lists.paging import COUNT_LIMIT
from agreements.models import Instrument, today
from agreements.radar import PER_PAGE, RadarItem, Rule, radar_page
from agreements.whole_numbers import page_number


class MayReadInstruments(BasePermission):
    """Every logged-in role reads the radar; nobody writes it (it is worked out, not stored), so
    any other method answers 405 to anyone logged in."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("agreements.view_instrument"))


def item_data(item: RadarItem) -> dict:
    """One radar item as the API gives it."""
    return {
        "rule": item.rule,
        "rule_label": item.rule_label,
        "why": item.why,
        "instrument": item.instrument.pk if item.instrument is not None else None,
        "series": item.series.pk if item.series is not None else None,
        "title": item.title,
        "url": item.url,
        "parties": item.party_codes,
        "since_on": item.since_on,
        "due_on": item.due_on,
        "notice_by": item.notice_by,
        "waiting_for": item.waiting_for,
        "offer_termination": item.offer_termination or None,
        "offer_on": item.offer_on,
    }


RADAR_ITEM = inline_serializer(
    "RadarItem",
    many=True,
    fields={
        "rule": serializers.ChoiceField(choices=Rule.choices),
        "rule_label": serializers.CharField(),
        "why": serializers.CharField(),
        "instrument": serializers.IntegerField(allow_null=True),
        "series": serializers.IntegerField(allow_null=True),
        "title": serializers.CharField(),
        "url": serializers.CharField(),
        "parties": serializers.ListField(child=serializers.CharField()),
        "since_on": serializers.DateField(allow_null=True),
        "due_on": serializers.DateField(allow_null=True),
        "notice_by": serializers.DateField(allow_null=True),
        "waiting_for": serializers.ListField(child=serializers.CharField()),
        "offer_termination": serializers.CharField(
            allow_null=True,
            help_text="The termination type offered (expired, replaced), or null.",
        ),
        "offer_on": serializers.DateField(allow_null=True),
    },
)


class OneObjectSchema(AutoSchema):
    """The radar's `list` answers one object (the date, the count, the items), not an array."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class RadarViewSet(ConditionalListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """What is stuck, what falls due and what may be closed, most pressing rule first, then by
    date; pages of 50 (`?page=`), with each rule's count, counted up to 10,000 as the lists are.
    `?rule=` keeps one rule's items."""

    queryset = Instrument.objects.all()
    filterset_class = RadarFilter  # for the schema; `list` reads it
    filter_backends = []
    permission_classes = [MayReadInstruments]
    pagination_class = None
    schema = OneObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1, "maximum": 999_999},
                description="A page of 50 (default: the first; past the last, the last).",
            )
        ],
        responses=inline_serializer(
            "Radar",
            {
                "on": serializers.DateField(),
                "count": serializers.IntegerField(
                    help_text=f"Exact up to {COUNT_LIMIT:,}; beyond that, {COUNT_LIMIT:,} with "
                    "count_is_capped."
                ),
                "count_is_capped": serializers.BooleanField(),
                "counts": inline_serializer(
                    "RadarCounts",
                    {
                        rule.value: serializers.IntegerField(
                            help_text=f"{rule.label}: up to {COUNT_LIMIT + 1:,}."
                        )
                        for rule in Rule
                    },
                ),
                "page": serializers.IntegerField(),
                "pages": serializers.IntegerField(),
                "next": serializers.CharField(allow_null=True),
                "previous": serializers.CharField(allow_null=True),
                "results": RADAR_ITEM,
            },
        ),
    )
    def list(self, request, *args, **kwargs):
        return self.kept_or_computed(request, self.radar)

    def radar(self):
        request = self.request
        on = today()
        selection = RadarFilter(request.query_params, queryset=self.get_queryset())
        if not selection.is_valid():
            raise ValidationError(selection.errors)
        given = request.query_params.get("page") or "1"  # empty is not given, as elsewhere
        number = page_number(given)
        if not number:
            raise ValidationError({"page": "A page number: 1, 2, 3…"})
        page = radar_page(selection.selection(), on=on, number=number, per_page=PER_PAGE)

        def link(n):
            return request.build_absolute_uri(
                f"{request.path}?{_with_page(request.query_params, n)}"
            )

        return Response(
            {
                "on": on,
                "count": page.count,
                "count_is_capped": page.count_is_capped,
                "counts": {rule.value: n for rule, n in page.counts.items()},
                "page": page.number,
                "pages": page.num_pages,
                "next": link(page.number + 1) if page.has_next else None,
                "previous": link(page.number - 1) if page.has_previous else None,
                "results": [item_data(item) for item in page.items],
            }
        )


def _with_page(params, number: int) -> str:
    query = params.copy()
    query["page"] = str(number)
    return query.urlencode()
