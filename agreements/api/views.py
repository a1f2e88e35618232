"""The /api/v1/ viewsets. Each list declares its joins; every write goes through the serializers'
model validation or the services, so the API refuses what the admin refuses."""

import datetime

from django.db.models import OuterRef, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from agreements import filters, services
from agreements.api import serializers
from agreements.api.audit_action import AuditMixin
from agreements.api.conditional import ConditionalReadMixin, IfMatchMixin
from agreements.api.csv_lists import CHUNK_SIZE, CSVListMixin
from agreements.api.errors import as_api_error
from agreements.api.instrument_rows import instrument_data, instrument_rows
from agreements.models import (
    FOLLOW_UP_ORDERINGS,
    INSTRUMENT_ORDERINGS,
    MEETING_ORDERINGS,
    ActionUpdate,
    FollowUpAction,
    Indicator,
    Instrument,
    Meeting,
    Organization,
    PartyAction,
    Person,
    Sector,
    Source,
    State,
    StatusChange,
    Subject,
)
from agreements.series import series_with_rounds


class ModelViewSet(CSVListMixin, ConditionalReadMixin, IfMatchMixin, viewsets.ModelViewSet):
    """Every resource's viewset: its list also as CSV (`?format=csv`), its list and objects
    with ETags, 304s and kept answers, If-Match on writes (`conditional.py`). The queryset and
    the serializer carry the rest."""


class AuditedViewSet(AuditMixin, ModelViewSet):
    """A resource the audit trail records: its changes at `{id}/audit/` too."""


class StateViewSet(AuditMixin, CSVListMixin, ConditionalReadMixin, viewsets.ReadOnlyModelViewSet):
    """Every ISO 3166-1 state, by its alpha-2 code."""

    queryset = State.objects.all()
    serializer_class = serializers.StateSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2}"
    ordering_fields = ["code", "name"]

    def get_object(self):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()


class SectorViewSet(AuditedViewSet):
    queryset = Sector.objects.all()
    serializer_class = serializers.SectorSerializer
    lookup_field = "slug"
    ordering_fields = ["name", "slug"]


class SubjectViewSet(AuditedViewSet):
    """The standard subjects of bilateral agreements (the coverage grid's columns): every role
    reads them, analysts edit them."""

    queryset = Subject.objects.all()
    serializer_class = serializers.SubjectSerializer
    lookup_field = "slug"
    ordering_fields = ["name", "slug"]


class OrganizationViewSet(AuditedViewSet):
    queryset = Organization.objects.select_related("state")
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    ordering_fields = ["name", "state"]


class PersonViewSet(AuditedViewSet):
    queryset = Person.objects.all()
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["name"]


class SourceViewSet(AuditedViewSet):
    queryset = Source.objects.all()
    serializer_class = serializers.SourceSerializer
    ordering_fields = ["title", "published_on"]


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="Show the status each instrument had on this day, from its history; "
    "instruments whose history had not started by then are left out.",
)


class InstrumentViewSet(AuditedViewSet):
    """Instruments from intent to in force. `status` changes only through `transition/`."""

    # No joins to declare: every answer is read as plain rows (`instrument_rows`), a page of them
    # in one query, one instrument in one query.
    queryset = Instrument.objects.all()
    serializer_class = serializers.InstrumentSerializer
    filterset_class = filters.InstrumentFilter
    permission_model = None  # set per action: the history and party actions have their own
    ordering_fields = INSTRUMENT_ORDERINGS

    def get_queryset(self):
        queryset = super().get_queryset()
        as_of = self.as_of()
        if as_of is None:
            return queryset
        # The status on that day: the latest entry that counts, dated on or before it.
        on_that_day = (
            StatusChange.objects.effective()
            .filter(instrument=OuterRef("pk"), happened_on__lte=as_of)
            .order_by("-happened_on", "-id")
            .values("to_status")[:1]
        )
        return queryset.annotate(status_as_of=Subquery(on_that_day)).filter(
            status_as_of__isnull=False
        )

    def as_of(self):
        value = self.request.query_params.get("as_of")
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({"as_of": "Give a date as YYYY-MM-DD."}) from None

    @extend_schema(parameters=[AS_OF])
    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            return super().list(request, *args, **kwargs)
        return self.kept_or_computed(request, self.list_from_rows)

    def list_from_rows(self):
        # From plain rows (`instrument_rows`), a page in one query: the representation the
        # serializer gives one instrument too.
        page = self.paginate_queryset(instrument_rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(list(instrument_data(page)))

    def csv_rows(self, queryset, serializer):
        return instrument_data(instrument_rows(queryset).iterator(chunk_size=CHUNK_SIZE))

    @extend_schema(parameters=[AS_OF])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=serializers.TransitionSerializer,
        responses={200: serializers.InstrumentSerializer},
        description="Change the status. A transition the lifecycle does not allow answers 409, "
        "naming the allowed ones, and changes nothing.",
    )
    @action(detail=True, methods=["post"], permission_model=StatusChange)
    def transition(self, request, pk=None):
        instrument = self.get_object()
        form = serializers.TransitionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            services.instrument_transition(
                instrument=instrument,
                to=data["to"],
                on=data.get("date"),
                note=data["note"],
                sources=data["sources"],
                termination_type=data["termination_type"],
                user=request.user,
            )
        except services.ValidationError as error:
            raise as_api_error(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=instrument.pk)).data)

    @extend_schema(methods=["GET"], responses={200: serializers.PartyActionSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request=serializers.PartyActionSerializer,
        responses={201: serializers.PartyActionSerializer},
        description="Record what one party did. The projected entry-into-force date and the "
        "status follow at once.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="party-actions",
        permission_model=PartyAction,
        pagination_class=None,
        filter_backends=[],
    )
    def party_actions(self, request, pk=None):
        instrument = self.get_object()
        if request.method == "GET":
            actions = instrument.party_actions.prefetch_related("sources")
            return Response(serializers.PartyActionSerializer(actions, many=True).data)
        form = serializers.PartyActionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            party_action = services.party_action_record(
                instrument=instrument,
                state=data["state"],
                action=data["action"],
                taken_on=data["taken_on"],
                reference=data.get("reference", ""),
                note=data.get("note", ""),
                sources=data.get("sources", []),
            )
        except services.ValidationError as error:
            raise as_api_error(error, rename={"state": "party"}) from None
        return Response(
            serializers.PartyActionSerializer(party_action).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={200: serializers.StatusChangeSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        permission_model=StatusChange,
        pagination_class=None,
        filter_backends=[],
    )
    def history(self, request, pk=None):
        """The status history, oldest first, retracted entries included and marked."""
        instrument = self.get_object()
        rows = (
            instrument.status_changes.in_world_order()
            .select_related("recorded_by", "retracted_by")
            .prefetch_related("sources")
        )
        return Response(serializers.StatusChangeSerializer(rows, many=True).data)


class MeetingViewSet(AuditedViewSet):
    queryset = Meeting.objects.prefetch_related(
        "states", "people", "organizations", "sectors", "sources", "instruments", "actions"
    )
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    ordering_fields = MEETING_ORDERINGS


class MeetingSeriesViewSet(AuditedViewSet):
    """Recurring commitments (consultations, commissions, forums): every role reads them,
    analysts record them; the last round and when the next is due are worked out."""

    queryset = series_with_rounds()
    serializer_class = serializers.MeetingSeriesSerializer
    ordering_fields = ["title"]


class FollowUpActionViewSet(AuditedViewSet):
    """Follow-up actions. `status` changes only with a progress update (`updates/`)."""

    queryset = FollowUpAction.objects.with_last_activity().prefetch_related("sectors", "sources")
    serializer_class = serializers.FollowUpActionSerializer
    filterset_class = filters.FollowUpActionFilter
    permission_model = None  # progress updates have their own (managers may add them)
    ordering_fields = FOLLOW_UP_ORDERINGS

    @extend_schema(methods=["GET"], responses={200: serializers.ActionUpdateSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request=serializers.ActionUpdateSerializer,
        responses={201: serializers.ActionUpdateSerializer},
        description="Add a dated progress note; `to_status` changes the status if the "
        "follow-up lifecycle allows it (409 otherwise).",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_model=ActionUpdate,
        pagination_class=None,
        filter_backends=[],
    )
    def updates(self, request, pk=None):
        follow_up = self.get_object()
        if request.method == "GET":
            rows = follow_up.updates.select_related("recorded_by").prefetch_related("sources")
            return Response(serializers.ActionUpdateSerializer(rows, many=True).data)
        form = serializers.ActionUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            update = services.action_record_update(
                action=follow_up,
                note=data["note"],
                happened_on=data.get("happened_on"),
                to_status=data.get("to_status", ""),
                user=request.user,
                sources=data.get("sources", []),
            )
        except services.ValidationError as error:
            raise as_api_error(error) from None
        return Response(
            serializers.ActionUpdateSerializer(update).data, status=status.HTTP_201_CREATED
        )


class IndicatorViewSet(AuditedViewSet):
    queryset = Indicator.objects.prefetch_related("sources")
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    ordering_fields = ["period_end", "metric"]
