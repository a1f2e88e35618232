"""The intake page's forms: the report to draft from, and the review — one editable row per
proposal (tick to keep), plain Django formsets, no JavaScript."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from agreements.intake.record import PATHS, matching_instruments, matching_meetings
from agreements.models import Indicator, Instrument, Meeting, State

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    """The report: pasted text or a file, and what is known of where it comes from."""

    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 14}), label="Text of the report"
    )
    file = forms.FileField(required=False, label="…or a file (.txt, .html, .pdf, .docx)")
    url = forms.URLField(required=False, max_length=500, label="Address (URL)")
    publisher = forms.CharField(required=False, max_length=200)
    published_on = forms.DateField(
        required=False, widget=DATE, label="Published on",
        help_text="“On Tuesday” in the text is read against this date; default today.",
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text", "").strip() and not cleaned.get("file"):
            raise ValidationError("Paste the report's text or choose a file.")
        return cleaned


def state_or_none(code: str, label: str = "state") -> State | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    state = State.objects.filter(code=code).first()
    if state is None:
        raise ValidationError(f"No state has the code “{code}” (ISO 3166-1 alpha-2, e.g. KZ).")
    return state


class ReviewForm(forms.Form):
    """The source and the states, shared by every row."""

    title = forms.CharField(max_length=300, label="Source title")
    url = forms.URLField(required=False, max_length=500, label="Address (URL)")
    publisher = forms.CharField(required=False, max_length=200)
    published_on = forms.DateField(required=False, widget=DATE, label="Published on")
    excerpt = forms.CharField(required=False, widget=forms.HiddenInput)
    report_text = forms.CharField(required=False, widget=forms.HiddenInput)
    states = forms.CharField(
        max_length=40, label="States", help_text="ISO codes, comma-separated: KZ, IL"
    )
    origin_meeting = forms.ModelChoiceField(
        Meeting.objects.all(), required=False, widget=forms.HiddenInput
    )

    def clean_states(self):
        codes = [code for code in self.cleaned_data["states"].replace(";", ",").split(",")]
        found = [state_or_none(code) for code in codes if code.strip()]
        if len({state.code for state in found}) < 2:
            raise ValidationError("Name at least two different states.")
        return list(dict.fromkeys(found))


class RowForm(forms.Form):
    """A proposal: kept or not. Fields are checked only for kept rows."""

    REQUIRED: tuple = ()
    keep = forms.BooleanField(required=False, initial=True)
    evidence = forms.CharField(required=False, widget=forms.HiddenInput)
    confidence = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pair=(), **kwargs):
        self.pair = list(pair)
        super().__init__(*args, **kwargs)
        if not self.initial:
            # The blank row for what the draft missed is kept only once ticked.
            self.fields["keep"].initial = False

    def value_of(self, name):
        """What the row says for a field, bound or not (to offer matching records)."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        return self.initial.get(name, "")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("keep"):
            return cleaned
        for name in self.REQUIRED:
            if cleaned.get(name) in (None, "", []) and name not in self.errors:
                self.add_error(name, "Required for a row you keep.")
        return cleaned


class MeetingRow(RowForm):
    REQUIRED = ("kind", "title", "status")
    existing = forms.ModelChoiceField(
        Meeting.objects.all(), required=False, label="Record as", empty_label="a new meeting"
    )
    kind = forms.ChoiceField(choices=[("", "—"), *Meeting.Kind.choices], required=False)
    title = forms.CharField(max_length=300, required=False)
    status = forms.ChoiceField(choices=Meeting.Status.choices, required=False)
    starts_on = forms.DateField(required=False, widget=DATE, label="On")
    place = forms.CharField(max_length=200, required=False)
    host = forms.CharField(max_length=2, required=False)
    round = forms.IntegerField(min_value=1, max_value=999, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = matching_meetings(
            self.pair,
            _date(self.value_of("starts_on")),
            self.value_of("kind"),
            self.value_of("title"),
        )
        self.fields["existing"].widget.choices = [("", "a new meeting")] + [
            (m.pk, f"update: {m.title}") for m in candidates
        ]
        self.matches = candidates

    def clean_host(self):
        return state_or_none(self.cleaned_data["host"])


class InstrumentRow(RowForm):
    REQUIRED = ("kind", "title", "status", "parties")
    existing = forms.ModelChoiceField(
        Instrument.objects.all(), required=False, label="Record as",
        empty_label="a new instrument",
    )  # fmt: skip
    kind = forms.ChoiceField(choices=[("", "—"), *Instrument.Kind.choices], required=False)
    title = forms.CharField(max_length=500, required=False)
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in PATHS], required=False)
    signed_on = forms.DateField(required=False, widget=DATE, label="Signed on")
    parties = forms.CharField(
        max_length=500, required=False,
        help_text="KZ; IL — or with the signing body: KZ: Ministry of Foreign Affairs",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.matches = matching_instruments(self.pair, self.value_of("title"))[:5]
        self.fields["existing"].widget.choices = [("", "a new instrument")] + [
            (i.pk, f"update: {i.title} ({i.get_status_display().lower()})") for i in self.matches
        ]

    def clean_parties(self):
        from agreements.models import Organization

        parties = []
        for part in self.cleaned_data["parties"].split(";"):
            if not part.strip():
                continue
            code, _, organization = part.partition(":")
            state = state_or_none(code)
            party = {"state": state}
            if organization.strip():
                party["organization"], _ = Organization.objects.get_or_create(
                    name=organization.strip(), state=state,
                    defaults={"kind": Organization.Kind.MINISTRY},
                )  # fmt: skip
            parties.append(party)
        return parties

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("keep")
            and cleaned.get("status") in ("signed", "in_force")
            and not (cleaned.get("signed_on"))
        ):
            self.add_error("signed_on", "Give the date it was signed.")
        return cleaned


class FollowUpRow(RowForm):
    REQUIRED = ("title",)
    title = forms.CharField(max_length=300, required=False)
    responsible_state = forms.CharField(max_length=2, required=False, label="Responsible")
    due_on = forms.DateField(required=False, widget=DATE, label="Due")

    def clean_responsible_state(self):
        return state_or_none(self.cleaned_data["responsible_state"])


class IndicatorRow(RowForm):
    REQUIRED = ("metric", "value", "unit", "period_start", "period_end")
    metric = forms.ChoiceField(choices=[("", "—"), *Indicator.Metric.choices], required=False)
    value = forms.DecimalField(max_digits=20, decimal_places=4, required=False)
    unit = forms.CharField(max_length=40, required=False)
    period_start = forms.DateField(required=False, widget=DATE, label="From")
    period_end = forms.DateField(required=False, widget=DATE, label="To")


class PersonRow(RowForm):
    REQUIRED = ("name",)
    name = forms.CharField(max_length=200, required=False)
    role = forms.CharField(max_length=200, required=False)
    state = forms.CharField(max_length=2, required=False)

    def clean_state(self):
        return state_or_none(self.cleaned_data["state"])


SECTIONS = {
    "meetings": MeetingRow,
    "instruments": InstrumentRow,
    "follow_ups": FollowUpRow,
    "indicators": IndicatorRow,
    "people": PersonRow,
}


def formsets(data=None, *, initial=None, pair=()):
    """One formset per kind of item, each with one blank row to add what the draft missed."""
    initial = initial or {}
    return {
        section: forms.formset_factory(form, extra=1)(
            data, initial=initial.get(section, []), prefix=section, form_kwargs={"pair": pair}
        )
        for section, form in SECTIONS.items()
    }


def initial_rows(draft: dict) -> dict:
    """The review's rows from a draft (the documented shape)."""
    rows = {section: [] for section in SECTIONS}
    codes = draft["pair"]
    for item in draft["meetings"]:
        row = {**item, "keep": True}
        matches = matching_meetings(codes, _date(item["starts_on"]), item["kind"], item["title"])
        row["existing"] = matches[0].pk if matches and matches[0].kind == item["kind"] else None
        rows["meetings"].append(row)
    for item in draft["instruments"]:
        row = {**item, "keep": True, "parties": _parties_text(item["parties"])}
        matches = matching_instruments(codes, item["title"])
        row["existing"] = matches[0].pk if matches else None
        rows["instruments"].append(row)
    for section in ("follow_ups", "indicators", "people"):
        rows[section] = [{**item, "keep": True} for item in draft[section]]
    return rows


def _parties_text(parties: list[dict]) -> str:
    return "; ".join(
        f"{p['state']}: {p['organization']}" if p.get("organization") else p["state"]
        for p in parties
    )


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
