"""The text of a report, from what the analyst gives: pasted text, or a .txt, .html, .pdf or .docx
file. Refuses what it cannot read with a message that says why."""

import io
from pathlib import PurePath

MAX_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".txt", ".html", ".htm", ".pdf", ".docx")


class UnreadableReport(ValueError):
    """The file or text cannot be read as a report; the message says why, for the analyst."""


def text_from_file(name: str, data: bytes) -> str:
    """The plain text of an uploaded file, chosen by its extension."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise UnreadableReport(
            f"“{name}” is not a file intake reads: give a .txt, .html, .pdf or .docx file."
        )
    if len(data) > MAX_BYTES:
        raise UnreadableReport(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; intake reads files up to "
            f"{MAX_BYTES // 1024 // 1024} MB."
        )
    try:
        return text_of(FORMATS[suffix], data)
    except UnreadableReport as error:
        raise UnreadableReport(f"“{name}”: {error}") from error


FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}


def text_of(file_format: str, data: bytes) -> str:
    """The plain text of a file in one of the formats ("txt", "html", "pdf", "docx"); intake and
    the attached documents (`agreements/documents/`) both read files through this."""
    try:
        if file_format == "txt":
            return decode(data)
        if file_format == "html":
            return html_to_text(decode(data))
        if file_format == "pdf":
            return _pdf_text(data)
        return _docx_text(data)
    except UnreadableReport:
        raise
    except Exception as error:  # a damaged file: each library raises its own kinds
        raise UnreadableReport(
            f"it could not be read as a {file_format.upper()} file ({error.__class__.__name__})."
        ) from error


def html_to_text(html: str) -> str:
    import html2text

    converter = html2text.HTML2Text()
    converter.ignore_links = True
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.body_width = 0  # keep paragraphs on one line: sentences must not be cut
    return converter.handle(html).replace("#", "").strip()


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableReport("it is not text in UTF-8 or Windows-1252.")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    return "\n\n".join(paragraph.text for paragraph in document.paragraphs)
