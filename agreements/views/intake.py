"""Intake: paste a report (or upload it), review every proposal as an editable row, and record
them all at once. Analysts only: they are the ones who record."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from agreements.intake import forms
from agreements.intake.record import DraftNotRecorded, draft_record
from agreements.intake.reports import ReportRefused, draft_report
from agreements.intake.text import UnreadableReport, text_from_file
from agreements.models import Meeting

ANALYSTS = "agreements.add_instrument"
# Each section's heading, and what one of its rows is called.
SECTION_NAMES = {
    "meetings": ("Meetings", "Meeting"),
    "instruments": ("Instruments", "Instrument"),
    "follow_ups": ("Follow-ups", "Follow-up"),
    "indicators": ("Figures", "Figure"),
    "people": ("People", "Person"),
}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(ANALYSTS, raise_exception=True)
def intake(request):
    """The report form; posted, it answers with the review of the draft (nothing saved yet).
    `?meeting=ID` opens the review blank, with that meeting's states, day and place."""
    if request.method != "POST":
        if request.GET.get("meeting"):
            return _review_from_meeting(request, request.GET["meeting"])
        return render(request, "agreements/intake.html", {"form": forms.ReportForm()})
    form = forms.ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "agreements/intake.html", {"form": form})
    upload = form.cleaned_data.get("file")
    text = form.cleaned_data["text"]
    try:
        if upload:
            # Read here rather than in draft_report: the review shows the report's text.
            try:
                text = text_from_file(upload.name, upload.read())
            except UnreadableReport as error:
                raise ReportRefused(str(error), "file") from error
        draft = draft_report(
            text=text,
            published_on=form.cleaned_data["published_on"],
            publisher=form.cleaned_data["publisher"],
            url=form.cleaned_data["url"],
        ).as_json()
    except ReportRefused as error:
        form.add_error(error.field, str(error))
        return render(request, "agreements/intake.html", {"form": form})
    source = draft["source"]
    review = forms.ReviewForm(
        initial={
            **source,
            "states": ", ".join(draft["pair"]),
            "excerpt": _first_sentence(draft),
            "report_text": text,
        }
    )
    return _render_review(
        request, review, forms.formsets(initial=forms.initial_rows(draft), pair=draft["pair"])
    )


@require_POST
@login_required
@permission_required(ANALYSTS, raise_exception=True)
def intake_record(request):
    """Record every kept row in one transaction, or show each row's mistakes and write nothing."""
    review = forms.ReviewForm(request.POST)
    pair = [c.strip().upper() for c in request.POST.get("states", "").split(",") if c.strip()]
    sets = forms.formsets(request.POST, pair=pair)
    if not (review.is_valid() and all(formset.is_valid() for formset in sets.values())):
        return _render_review(request, review, sets, failed=True)
    kept = {
        section: [form for form in formset.forms if form.cleaned_data.get("keep")]
        for section, formset in sets.items()
    }
    header = review.cleaned_data
    try:
        recorded = draft_record(
            source=header,
            states=header["states"],
            origin_meeting=header["origin_meeting"],
            user=request.user,
            **{section: [form.cleaned_data for form in forms_] for section, forms_ in kept.items()},
        )
    except DraftNotRecorded as error:
        for (section, index), messages in error.errors.items():
            for message in messages:
                kept[section][index].add_error(None, message)
        return _render_review(request, review, sets, failed=True)
    codes = [state.code for state in header["states"]]
    del recorded  # everything is in the database; the relationship page shows it
    return redirect(reverse("relationship", args=[f"{codes[0]}-{codes[1]}"]))


def _review_from_meeting(request, pk):
    meeting = get_object_or_404(Meeting.objects.prefetch_related("states"), pk=pk)
    codes = [state.code for state in meeting.states.all()]
    review = forms.ReviewForm(initial={"states": ", ".join(codes), "origin_meeting": meeting.pk})
    blank = {
        "instruments": [
            {"keep": False, "signed_on": meeting.starts_on, "parties": "; ".join(codes),
             "status": "signed"}
        ],
        "follow_ups": [{"keep": False}],
    }  # fmt: skip
    return _render_review(
        request, review, forms.formsets(initial=blank, pair=codes), meeting=meeting
    )


def _render_review(request, review, sets, *, failed=False, meeting=None):
    report_text = review["report_text"].value() or ""
    evidence = [
        form["evidence"].value()
        for formset in sets.values()
        for form in formset.forms
        if form["evidence"].value()
    ]
    return render(
        request,
        "agreements/intake_review.html",
        {
            "review": review,
            "sections": [
                (section, *SECTION_NAMES[section], formset) for section, formset in sets.items()
            ],
            "failed": failed,
            "meeting": meeting,
            "report": _marked(report_text, evidence),
        },
    )


def _marked(text: str, evidence: list[str]) -> list[tuple[str, bool]]:
    """The report as pieces, each evidence sentence marked, for the page to highlight."""
    spans = []
    for sentence in dict.fromkeys(evidence):
        start = text.find(sentence)
        if start >= 0:
            spans.append((start, start + len(sentence)))
    pieces, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    pieces.append((text[position:], False))
    return [piece for piece in pieces if piece[0]]


def _first_sentence(draft: dict) -> str:
    for section in ("meetings", "instruments", "follow_ups"):
        for item in draft[section]:
            return item["evidence"]
    return ""
