"""The intake extractor, measured on the labelled reports in tests/intake/, and the commands that
expose it. No database: the extractor reads text only."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from agreements.intake.evaluate import evaluate_directory, evaluate_report
from agreements.intake.extract import NotAReport, extract
from agreements.intake.text import UnreadableReport, text_from_file

LABELLED = Path(__file__).parent / "intake"
SEED = LABELLED / "seed-astana-2026-01.txt"

# The figures docs/intake.md reports; the evaluation must not fall below them.
FLOOR = {
    "meetings": {"precision": 1.0, "recall": 1.0},
    "instruments": {"precision": 1.0, "recall": 1.0},
    "follow_ups": {"precision": 1.0, "recall": 1.0},
    "indicators": {"precision": 1.0, "recall": 1.0},
    "people": {"precision": 1.0, "recall": 1.0},
}
FIELDS_FLOOR = {
    ("meetings", "kind"): 1.0,
    ("meetings", "status"): 1.0,
    ("meetings", "starts_on"): 0.93,
    ("instruments", "kind"): 1.0,
    ("instruments", "status"): 1.0,
    ("instruments", "signed_on"): 0.93,
    ("follow_ups", "due_on"): 0.95,
}
DRAFT_KEYS = {"source", "pair", "meetings", "instruments", "follow_ups", "indicators", "people"}
ITEM_KEYS = {
    "meetings": {"kind", "title", "status", "starts_on", "place", "host", "round"},
    "instruments": {"kind", "title", "status", "signed_on", "parties"},
    "follow_ups": {"title", "responsible_state", "due_on"},
    "indicators": {"metric", "value", "unit", "period_start", "period_end", "note"},
    "people": {"name", "role", "state"},
}


def test_labelled_set_has_at_least_twelve_reports():
    assert len(list(LABELLED.glob("*.expected.json"))) >= 12


def test_evaluation_does_not_fall_below_documented_figures():
    totals, _ = evaluate_directory(LABELLED)
    for kind, floor in FLOOR.items():
        assert totals[kind].precision >= floor["precision"], kind
        assert totals[kind].recall >= floor["recall"], kind
    for (kind, name), floor in FIELDS_FLOOR.items():
        assert totals[kind].share_right(name) >= floor, (kind, name)


def test_seed_article_proposes_every_demo_fact_and_invents_nothing():
    expected = json.loads((LABELLED / "seed-astana-2026-01.expected.json").read_text())
    result = evaluate_report(SEED.read_text(), expected)
    assert result.missed == {kind: [] for kind in result.missed}
    assert result.invented == {kind: [] for kind in result.invented}


def test_seed_article_instruments_have_demo_statuses_and_dates():
    draft = extract(SEED.read_text(), published_on=datetime.date(2026, 1, 28)).as_json()
    assert [(i["kind"], i["status"], i["signed_on"]) for i in draft["instruments"]] == [
        ("memorandum", "signed", "2026-01-27"),
        ("memorandum", "signed", "2026-01-27"),
        ("agreement", "proposed", None),
        ("commercial", "signed", "2026-01-27"),
        ("commercial", "signed", "2026-01-27"),
        ("commercial", "signed", "2026-01-27"),
    ]
    assert draft["pair"] == ["KZ", "IL"]


def test_weekday_is_read_against_publication_date():
    text = (
        "Kazakhstan and Israel signed a memorandum on water management on Tuesday in Astana, "
        "the Kazakh foreign ministry said, after talks between the two foreign ministers."
    )
    wednesday = datetime.date(2026, 3, 4)
    draft = extract(text, published_on=wednesday)
    assert draft.instruments[0].signed_on == datetime.date(2026, 3, 3)


def test_dozens_of_contracts_are_a_figure_not_items():
    text = (
        "At the Kazakhstan–Israel business forum in Astana on 27 January 2026, companies of the "
        "two countries signed 40 commercial agreements worth $1.5 billion."
    )
    draft = extract(text).as_json()
    assert draft["instruments"] == []
    assert [(i["metric"], i["value"], i["unit"]) for i in draft["indicators"]] == [
        ("other", "1500", "USD million")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The report is empty"),
        ("Kazakhstan and Israel.", "The text has 3 words"),
        (
            "The weather was fine and the committee of the club discussed its annual picnic at "
            "length over coffee.",
            "No state is named",
        ),
        (
            "Kazakhstan is a large country and Israel is a small one; both have long coastlines "
            "or none, depending on how you count the seas.",
            "does not read as a report of relations",
        ),
    ],
)
def test_extract_refuses_what_is_not_a_report(text, message):
    with pytest.raises(NotAReport, match=message):
        extract(text)


def test_text_from_file_refuses_wrong_type_and_size():
    with pytest.raises(UnreadableReport, match="not a file intake reads"):
        text_from_file("report.exe", b"MZ")
    with pytest.raises(UnreadableReport, match="up to 5 MB"):
        text_from_file("report.txt", b"a" * (5 * 1024 * 1024 + 1))


def test_text_from_html_and_docx_keeps_the_sentences():
    import docx

    html = b"<html><body><h1>Title</h1><p>Kazakhstan and Israel signed a memorandum.</p></body>"
    assert "Kazakhstan and Israel signed a memorandum." in text_from_file("r.html", html)
    document = docx.Document()
    document.add_paragraph("Kazakhstan and Israel signed a memorandum.")
    buffer = io.BytesIO()
    document.save(buffer)
    assert text_from_file("r.docx", buffer.getvalue()) == (
        "Kazakhstan and Israel signed a memorandum."
    )


def test_draft_from_report_json_has_documented_shape():
    out = io.StringIO()
    call_command("draft_from_report", str(SEED), "--date", "2026-01-28", "--json", stdout=out)
    draft = json.loads(out.getvalue())
    assert set(draft) == DRAFT_KEYS
    assert set(draft["source"]) == {"title", "publisher", "published_on", "url"}
    for kind, keys in ITEM_KEYS.items():
        for item in draft[kind]:
            assert set(item) == keys | {"evidence", "confidence"}, kind
            assert item["evidence"] in SEED.read_text()
            assert 0 < item["confidence"] <= 1


def test_draft_from_report_refuses_a_file_it_cannot_read(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(CommandError, match="not a file intake reads"):
        call_command("draft_from_report", str(path), "--json")


def test_evaluate_intake_prints_precision_and_recall_per_kind():
    out = io.StringIO()
    call_command("evaluate_intake", str(LABELLED), stdout=out)
    lines = out.getvalue().splitlines()
    assert (
        lines[0] == f"{len(list(LABELLED.glob('*.expected.json')))} labelled reports in {LABELLED}"
    )
    assert [line.split()[0] for line in lines[2:]] == [
        "meetings", "instruments", "follow_ups", "indicators", "people"
    ]  # fmt: skip


def one_page_pdf(text: str) -> bytes:
    """A minimal PDF with one line of text, written by hand (nothing here writes PDFs)."""
    stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )


def test_text_from_pdf_reads_its_text():
    data = one_page_pdf("Kazakhstan and Israel signed a memorandum.")
    assert text_from_file("report.pdf", data) == "Kazakhstan and Israel signed a memorandum."


def test_text_from_a_damaged_pdf_is_refused_with_a_message():
    with pytest.raises(UnreadableReport, match="could not be read as a PDF file"):
        text_from_file("report.pdf", b"%PDF-1.4 this is not really a PDF")
