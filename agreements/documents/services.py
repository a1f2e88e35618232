"""Attaching a document to an instrument or a meeting and removing it: the one way the admin, the
API and the export's import write documents."""

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, transaction
from django.db.models import Value
from django.db.models.functions import Left

from agreements.documents.checking import CheckedFile, check_upload
from agreements.documents.extraction import extract
from agreements.models import Document

# PostgreSQL refuses a tsvector over 1 MB; a text whose full vector would be larger (several
# hundred pages of unusual words) is searched on its beginning, this many characters.
SEARCHED_WHEN_TOO_LONG = 200_000


def search_vector(text, limit: int | None = None):
    """The search vector of a document's text (English stemming, as the rest of the search)."""
    source = Value(text) if limit is None else Left(Value(text), limit)
    return SearchVector(source, config="english")


def document_attach(
    *,
    upload,
    instrument=None,
    meeting=None,
    kind: str = Document.Kind.OTHER,
    language: str,
    is_authentic: bool = False,
    user=None,
) -> Document:
    """Check an uploaded file by its content, read its text and store it, attached to one
    instrument or one meeting. Refuses (ValidationError, nothing written) an empty file, one
    too large or of another type, and fields the model refuses."""
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    return document_store(
        checked=checked,
        instrument=instrument,
        meeting=meeting,
        kind=kind,
        language=language,
        is_authentic=is_authentic,
        user=user,
    )


@transaction.atomic
def document_store(
    *, checked: CheckedFile, instrument, meeting, kind, language, is_authentic, user
) -> Document:
    extracted = extract(checked.file_format, checked.data)
    document = Document(
        instrument=instrument,
        meeting=meeting,
        kind=kind,
        language=(language or "").strip(),
        is_authentic=is_authentic,
        original_name=checked.original_name,
        size=checked.size,
        file_format=checked.file_format,
        content_type=checked.content_type,
        sha256=checked.sha256,
        text=extracted.text,
        extraction=extracted.extraction,
        extraction_note=extracted.note,
        uploaded_by=user,
    )
    document.full_clean(exclude=["file"])  # before anything is written to the storage
    # upload_to (models/documents.py) names the stored file; the original name is a column.
    document.file.save(checked.original_name, ContentFile(checked.data), save=False)
    try:
        _insert(document)
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def _insert(document: Document) -> None:
    text = document.text
    try:
        with transaction.atomic():
            document.search_vector = search_vector(text)
            document.save(force_insert=True)
    except DataError:  # "string is too long for tsvector"
        document.pk = None
        document.search_vector = search_vector(text, SEARCHED_WHEN_TOO_LONG)
        document.save(force_insert=True)
    # The saved row holds the vector; the instance holds the expression, which means nothing now.
    document.search_vector = None


def document_update(*, document: Document, kind: str, language: str, is_authentic: bool):
    """Change what is said about a document (its file and text never change: upload anew)."""
    document.kind, document.language, document.is_authentic = kind, language.strip(), is_authentic
    document.full_clean(exclude=["file"])
    document.save(update_fields=["kind", "language", "is_authentic"])
    return document


def document_delete(*, document: Document) -> None:
    """Remove a document; its file leaves the storage once the removal is committed
    (`remove_file_when_deleted`), so a rollback keeps both."""
    document.delete()


def remove_file_when_deleted(sender, instance: Document, **kwargs) -> None:
    """post_delete of Document (connected in apps.py): also when a document goes with its
    instrument or meeting. Only after the commit: rolled back, the row still needs its file."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
