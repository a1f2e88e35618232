"""Handing a document's file to a reader: streamed from the storage as an attachment, never shown
in the browser's page (an HTML document could run script there) and never from a public URL.
The pages and the API both answer with this; each checks first that the reader may read it."""

from django.http import FileResponse, Http404

from agreements.models import Document


def download_response(document: Document) -> FileResponse:
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this document is missing from the storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Texts may be confidential: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response
