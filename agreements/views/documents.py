"""A document's file, for the pages and the admin: streamed to a logged-in reader with the role's
permission to read documents (every role has it), never from a public URL."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from agreements.documents.serving import download_response
from agreements.models import Document


@require_safe
@login_required
@permission_required("agreements.view_document", raise_exception=True)
def document_file(request, pk):
    return download_response(get_object_or_404(Document, pk=pk))
