"""The text of a checked document, for search. A file whose text cannot be read is still kept:
the answer then says "text not extracted" and why."""

from dataclasses import dataclass

from agreements.documents.checking import CONTROL
from agreements.intake.text import UnreadableReport, text_of
from agreements.models import Document


@dataclass(frozen=True)
class Extracted:
    text: str
    extraction: str
    note: str = ""


def extract(file_format: str, data: bytes) -> Extracted:
    try:
        # Control characters out: PostgreSQL text cannot hold NUL (a PDF's text layer sometimes
        # has it), and the search marks passages with two others (documents/search.py).
        text = CONTROL.sub("", text_of(file_format, data)).strip()
    except UnreadableReport as error:
        return Extracted("", Document.Extraction.NOT_EXTRACTED, f"The file {error}")
    if not text:
        why = (
            "The PDF has no text layer (a scanned image?); Bilateral does not read images."
            if file_format == Document.Format.PDF
            else "The file holds no text."
        )
        return Extracted("", Document.Extraction.NOT_EXTRACTED, why)
    return Extracted(text, Document.Extraction.EXTRACTED)
