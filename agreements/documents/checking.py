"""Is an upload a document Bilateral keeps? Decided by its content (the first bytes, and for a
Word file its parts), never by its name: a PDF renamed .txt is a PDF, a program renamed .pdf is
refused. Empty, too large or of another type: refused with a message that says why."""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError

from agreements.intake.text import UnreadableReport, decode
from agreements.models import Document

# The content type each format is stored and served with.
CONTENT_TYPES = {
    Document.Format.PDF: "application/pdf",
    Document.Format.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    Document.Format.HTML: "text/html",
    Document.Format.TXT: "text/plain",
}
ACCEPTED = "a PDF, Word (.docx), HTML or plain-text file"

# An HTML document starts (after a byte-order mark, blanks and comments) with one of these tags.
HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
# Text has no control characters but tab, line feed, form feed and carriage return; a binary file
# decoded as Windows-1252 almost always has some. (Extraction also takes them out of a text.)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: its bytes and what was found out about them."""

    data: bytes
    original_name: str
    file_format: str
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def check_upload(upload) -> CheckedFile:
    """Read an uploaded file (Django's UploadedFile) and check it, or raise ValidationError."""
    name = clean_name(getattr(upload, "name", "") or "")
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size > limit:  # before reading it: the size is known from the request
        raise ValidationError(
            f"“{name}” is {upload.size / 1_000_000:.1f} MB; documents may be up to "
            f"{limit // 1_000_000} MB.",
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            f"“{name}” is larger than {limit // 1_000_000} MB, the most a document may be.",
            code="too_large",
        )
    if not data:
        raise ValidationError(f"“{name}” is empty.", code="empty")
    file_format = identify(data)
    if file_format is None:
        raise ValidationError(
            f"“{name}” is not {ACCEPTED} (judged by its content, not its name).",
            code="wrong_type",
        )
    return CheckedFile(
        data=data,
        original_name=name,
        file_format=file_format,
        content_type=CONTENT_TYPES[file_format],
        sha256=hashlib.sha256(data).hexdigest(),
    )


def identify(data: bytes) -> str | None:
    """The format of a file from its content, or None when it is none Bilateral keeps."""
    if b"%PDF-" in data[:1024]:  # the header may follow a little junk, as readers allow
        return Document.Format.PDF
    if data.startswith(b"PK\x03\x04"):
        return Document.Format.DOCX if _is_word_document(data) else None
    try:
        text = decode(data)
    except UnreadableReport:
        return None
    if CONTROL.search(text):
        return None
    return Document.Format.HTML if HTML_START.match(text) else Document.Format.TXT


def _is_word_document(data: bytes) -> bool:
    """A .docx is a ZIP archive with a main document part; a spreadsheet or any other ZIP is not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def clean_name(name: str) -> str:
    """The file's own name, without a folder a browser may send, control characters or more than
    255 characters; the name is only ever shown and offered back on download."""
    name = PureWindowsPath(name).name  # splits on both / and \
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:  # keep the extension, which tells the reader's computer what it is
        stem, dot, suffix = name.rpartition(".")
        name = stem[: 254 - len(suffix)] + dot + suffix if dot and len(suffix) < 10 else name[:255]
    return name or "document"
