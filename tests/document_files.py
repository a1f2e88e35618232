"""Files for the documents' tests, made here: a PDF written by hand (one page, one text object
per line, Helvetica), a Word document made with python-docx, and broken ones."""

import io


def pdf_with_text(*lines: str) -> bytes:
    """A minimal valid PDF whose page shows the given lines (Latin-1 text)."""

    def literal(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    shown = " ".join(f"({literal(line)}) '" for line in lines)
    content = f"BT /F1 12 Tf 14 TL 72 740 Td {shown} ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def pdf_without_text() -> bytes:
    """A valid PDF with an empty page, as a scan without a text layer reads."""
    return pdf_with_text()


def docx_with_text(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    """A ZIP archive that is not a Word document (a spreadsheet)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "not a text"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
