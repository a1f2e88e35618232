"""GET /api/v1/<resource>/{id}/audit/: every recorded change of one object and its parts, oldest
first, with before/after values and who made it. A deleted object's audit stays readable: the
object is found through the audit trail, not the live table."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from agreements import audit_events


class AuditEventSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Unique across the audit trail.")
    at = serializers.DateTimeField(help_text="When the transaction that made the change began.")
    action = serializers.ChoiceField(
        choices=["insert", "update", "delete", "baseline"],
        help_text="baseline: the row as it was when the audit trail started.",
    )
    object_type = serializers.CharField(help_text="The object itself or one of its parts.")
    object_id = serializers.CharField()
    data = serializers.DictField(help_text="The row after the change (before it, for a delete).")
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="Each changed field: [before, after]."
    )
    user = serializers.CharField(allow_null=True, help_text="Who, when it was a person.")
    token = serializers.CharField(
        allow_blank=True,
        help_text="Which API token: its id (the start of its digest), as the admin lists it; never "
        "any part of the key.",
    )
    command = serializers.CharField(allow_blank=True, help_text="The management command.")
    import_file = serializers.CharField(
        allow_blank=True, help_text="The register file whose import made the change."
    )
    method = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    request_id = serializers.CharField(allow_blank=True)


class AuditMixin:
    @extend_schema(responses={200: AuditEventSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def audit(self, request, **kwargs):
        model = self.queryset.model
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if model._meta.pk.name == "code":
            value = value.upper()
        pk = audit_events.last_known_pk(model, self.lookup_field, value)
        if pk is None:
            raise Http404
        events = audit_events.events_of(model, pk)
        return Response(AuditEventSerializer(events, many=True).data)
