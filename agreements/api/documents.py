"""/api/v1/documents/: the files attached to instruments and meetings. Every role lists them,
reads them and downloads them (`download/`, streamed as an attachment); analysts upload them
(multipart), change what is said about them and delete them. `?q=` searches their text and
gives the matching passage."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from agreements import filters
from agreements.api.errors import as_api_error
from agreements.api.parsers import JSONParser
from agreements.api.views import AuditedViewSet
from agreements.documents import services
from agreements.documents.checking import CONTENT_TYPES
from agreements.documents.serving import download_response
from agreements.models import Document, Instrument, Meeting


class DocumentSerializer(serializers.ModelSerializer):
    """A document as read; `passage` is the text that matched `?q=` (matched words between
    \\u0002 and \\u0003), null without a search."""

    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    download = serializers.HyperlinkedIdentityField(view_name="document-download")
    passage = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "instrument",
            "meeting",
            "kind",
            "language",
            "is_authentic",
            "original_name",
            "size",
            "file_format",
            "content_type",
            "sha256",
            "extraction",
            "extraction_note",
            "uploaded_by",
            "uploaded_at",
            "download",
            "passage",
        ]
        read_only_fields = [
            "instrument",
            "meeting",
            "original_name",
            "size",
            "file_format",
            "content_type",
            "sha256",
            "extraction",
            "extraction_note",
            "uploaded_at",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_passage(self, document) -> str | None:
        return getattr(document, "passage", None)  # annotated by the `q` filter only

    def update(self, instance, validated_data):
        try:
            return services.document_update(
                document=instance,
                kind=validated_data.get("kind", instance.kind),
                language=validated_data.get("language", instance.language),
                is_authentic=validated_data.get("is_authentic", instance.is_authentic),
            )
        except ValidationError as error:
            raise as_api_error(error) from None


class DocumentUploadSerializer(serializers.Serializer):
    """An upload: the file and what it is, for one instrument or one meeting."""

    rules_beyond_schema = (
        "Exactly one of `instrument` and `meeting`.",
        "`file`: a PDF, Word (.docx), plain-text or HTML file, told by its content, not its "
        "name; not empty, and no larger than DOCUMENT_MAX_MB.",
    )

    file = serializers.FileField(allow_empty_file=True)  # the service says why an empty one fails
    # One of the two, the other left out (a multipart form has no null).
    instrument = serializers.PrimaryKeyRelatedField(
        queryset=Instrument.objects.all(), required=False
    )
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all(), required=False)
    kind = serializers.ChoiceField(choices=Document.Kind.choices, default=Document.Kind.OTHER)
    language = serializers.CharField(max_length=35)
    is_authentic = serializers.BooleanField(default=False)


class DocumentViewSet(AuditedViewSet):
    queryset = Document.objects.listed()
    serializer_class = DocumentSerializer
    filterset_class = filters.DocumentFilter
    ordering_fields = ["uploaded_at", "original_name", "size"]
    parser_classes = [MultiPartParser, JSONParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
        description="Upload a file (PDF, DOCX, HTML or plain text, checked by its content, up to "
        "DOCUMENT_MAX_MB) for one instrument or one meeting. Its text is read for search; a file "
        'whose text cannot be read is kept with `extraction` "not_extracted" and the reason.',
    )
    def create(self, request, *args, **kwargs):
        form = DocumentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            document = services.document_attach(
                upload=data["file"],
                instrument=data.get("instrument"),
                meeting=data.get("meeting"),
                kind=data["kind"],
                language=data["language"],
                is_authentic=data["is_authentic"],
                user=request.user,
            )
        except ValidationError as error:
            raise as_api_error(error) from None
        document = self.get_queryset().get(pk=document.pk)
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.document_delete(document=instance)

    @extend_schema(responses={(200, kind): OpenApiTypes.BINARY for kind in CONTENT_TYPES.values()})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def download(self, request, pk=None):
        """The file itself, as an attachment, with the content type found when it was checked."""
        return download_response(self.get_object())
