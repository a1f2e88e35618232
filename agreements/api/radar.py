"""`/api/v1/radar/`: the radar's items (agreements/radar.py) for programs, read-only."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from agreements.api.conditional import ConditionalListMixin
from agreements.filters import RadarFilter
from agreements.models import Instrument, today
from agreements.radar import RadarItem, Rule, radar_items


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
    """What is stuck, what falls due and what may be closed, most pressing rule first. The whole
    radar in one answer (no pages): it lists exceptions, not the register."""

    queryset = Instrument.objects.all()
    filterset_class = RadarFilter  # for the schema; `list` applies it, with the series
    filter_backends = []
    permission_classes = [MayReadInstruments]
    pagination_class = None
    schema = OneObjectSchema()

    @extend_schema(
        responses=inline_serializer(
            "Radar",
            {
                "on": serializers.DateField(),
                "count": serializers.IntegerField(),
                "results": RADAR_ITEM,
            },
        )
    )
    def list(self, request, *args, **kwargs):
        return self.kept_or_computed(request, self.radar)

    def radar(self):
        request = self.request
        on = today()
        selection = RadarFilter(request.query_params, queryset=self.get_queryset())
        if not selection.is_valid():
            raise ValidationError(selection.errors)
        items = radar_items(selection.qs, on=on, series=selection.series())
        return Response(
            {"on": on, "count": len(items), "results": [item_data(item) for item in items]}
        )
