"""One entry point for the three doors (command, API, page): what the analyst gave — pasted
text or a file, with the report's address, publisher and date — in, a draft out, or a refusal
whose message says what to fix."""

import datetime

from agreements.intake.draft import Draft
from agreements.intake.extract import NotAReport, extract
from agreements.intake.text import MAX_BYTES, UnreadableReport, text_from_file


class ReportRefused(ValueError):
    """Nothing to draft from: the message is for the analyst, `field` says which input it is
    about ("text" or "file")."""

    def __init__(self, message: str, field: str = "text"):
        super().__init__(message)
        self.field = field


def draft_report(
    *,
    text: str = "",
    file_name: str = "",
    file_data: bytes | None = None,
    published_on: datetime.date | None = None,
    title: str = "",
    publisher: str = "",
    url: str = "",
) -> Draft:
    """The draft of a report given as text or as a file (a file wins when both are given)."""
    if file_data is not None and file_name:
        try:
            text = text_from_file(file_name, file_data)
        except UnreadableReport as error:
            raise ReportRefused(str(error), "file") from error
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise ReportRefused(
            f"The text is over {MAX_BYTES // 1024 // 1024} MB; intake reads reports up to that."
        )
    try:
        return extract(text, published_on=published_on, title=title, publisher=publisher, url=url)
    except NotAReport as error:
        raise ReportRefused(str(error), "file" if file_data is not None else "text") from error
