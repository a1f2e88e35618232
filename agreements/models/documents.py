"""Documents: the files behind the records (an instrument's signed text and translations, its
instruments of ratification and notes verbales; a meeting's communiqué and programme), kept
through Django's storage API with the text read out of them for full-text search.

Checking, reading and storing a file is `agreements/documents/`; this module is the row."""

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone


def document_storage():
    """The storage documents live in (`STORAGES["documents"]`: a folder, or S3 in production),
    looked up when used so that a test can swap it."""
    return storages["documents"]


def document_path(document: "Document", filename: str) -> str:
    """A name the uploader does not choose (the original name is kept in its own column): no
    path tricks, no clash between two files called "text.pdf"."""
    return f"{document.uploaded_at:%Y/%m}/{uuid.uuid4().hex}.{document.file_format}"


class DocumentQuerySet(models.QuerySet):
    def without_text(self):
        """For lists: the text can be a book long, and only search reads it."""
        return self.defer("text", "search_vector")

    def listed(self):
        return self.without_text().select_related("uploaded_by")


class Document(models.Model):
    """A file attached to exactly one instrument or one meeting, with the text read from it.

    Stored under a generated name; served only through the download view to those who may read
    it. A file whose text cannot be read is kept, marked "text not extracted" with the reason."""

    class Kind(models.TextChoices):
        SIGNED_TEXT = "signed_text", "Signed text"
        TRANSLATION = "translation", "Translation"
        RATIFICATION = "ratification", "Instrument of ratification"
        NOTE_VERBALE = "note_verbale", "Note verbale"
        COMMUNIQUE = "communique", "Communiqué"
        PROGRAMME = "programme", "Programme"
        OTHER = "other", "Other"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        HTML = "html", "HTML"
        TXT = "txt", "Plain text"

    class Extraction(models.TextChoices):
        EXTRACTED = "extracted", "Text extracted"
        NOT_EXTRACTED = "not_extracted", "Text not extracted"

    instrument = models.ForeignKey(
        "agreements.Instrument",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    meeting = models.ForeignKey(
        "agreements.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField(storage=document_storage, upload_to=document_path, max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SIGNED_TEXT)
    language = models.CharField(
        max_length=35,
        help_text="The language of the text, as a code (en, kk, ru, he) or a name.",
    )
    is_authentic = models.BooleanField(
        "authentic text",
        default=False,
        help_text="The text is authentic (it says so in its final clause), not a working copy.",
    )
    original_name = models.CharField(max_length=255, help_text="The file's name when uploaded.")
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    file_format = models.CharField(max_length=10, choices=Format)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    text = models.TextField(blank=True, help_text="The text read from the file, for search.")
    # Written with the text (agreements/documents/services.py); the GIN index below serves search.
    search_vector = SearchVectorField(null=True, editable=False)
    extraction = models.CharField(max_length=20, choices=Extraction)
    extraction_note = models.TextField(
        blank=True, help_text="Why the text was not extracted, when it was not."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [GinIndex(fields=["search_vector"], name="agreements_document_search")]
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument__isnull=False, meeting__isnull=True)
                | Q(instrument__isnull=True, meeting__isnull=False),
                name="%(app_label)s_%(class)s_one_owner",
                violation_error_message="A document belongs to one instrument or one meeting.",
            ),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.get_kind_display().lower()}, {self.language})"

    @property
    def owner(self):
        return self.instrument or self.meeting
