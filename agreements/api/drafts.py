"""POST /api/v1/drafts/: a report in, its draft out (the shape of docs/intake.md). Writes
nothing; analysts only, since only they can record what it proposes."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.api.json_types import JSONTypes
from agreements.api.parsers import JSONParser  # nesting bounded, as everywhere
from agreements.intake.reports import ReportRefused, draft_report
from agreements.models import Instrument


class DraftRequestSerializer(JSONTypes, serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    file = serializers.FileField(required=False, help_text=".txt, .html, .pdf or .docx")
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    published_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Relative dates (“on Tuesday”) are read against it; default today.",
    )


class DraftView(APIView):
    """Draft the meetings, instruments, follow-ups, figures and people a report tells of."""

    parser_classes = [JSONParser, MultiPartParser]
    # Drafting is the first step of recording instruments: who may add them may draft.
    permission_model = Instrument

    @extend_schema(
        request=DraftRequestSerializer,
        responses={200: OpenApiResponse(description="The draft (docs/intake.md)"), 400: None},
    )
    def post(self, request):
        given = DraftRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        upload = data.get("file")
        try:
            draft = draft_report(
                text=data.get("text", ""),
                file_name=upload.name if upload else "",
                file_data=upload.read() if upload else None,
                published_on=data.get("published_on"),
                title=data.get("title", ""),
                publisher=data.get("publisher", ""),
                url=data.get("url", ""),
            )
        except ReportRefused as error:
            raise ValidationError({error.field: [str(error)]}) from error
        return Response(draft.as_json())
