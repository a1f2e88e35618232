"""The admin of instruments: parties, party actions, links and the status history inline; the
"Change status" and "Correct" buttons call the services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminDateWidget, FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from agreements import services
from agreements.admin import register
from agreements.admin.common import (
    InstrumentPartyFilter,
    LongTitlesAdmin,
    add_errors,
    raise_on_field,
    year_filter,
)
from agreements.admin.documents import DocumentInline
from agreements.models import (
    Instrument,
    InstrumentLink,
    InstrumentParty,
    PartyAction,
    Source,
    StatusChange,
)


class PartiesFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        try:
            services.validate_parties(form.cleaned_data["state"] for form in kept)
        except ValidationError as error:
            raise ValidationError(error.message_dict["parties"]) from None
        if self.instance.pk is None:
            return  # a new instrument: no party has acted yet
        # The stored state is the one that acted (the instance already carries the submitted one).
        stored = dict(
            InstrumentParty.objects.filter(instrument=self.instance).values_list("pk", "state_id")
        )
        leaving = [
            stored[form.instance.pk]
            for form in self.forms
            if form.instance.pk in stored
            and (
                form.cleaned_data.get("DELETE")
                or form.cleaned_data["state"].pk != stored[form.instance.pk]
            )
        ]
        try:
            services.refuse_removing_parties_that_acted(instrument=self.instance, states=leaving)
        except ValidationError as error:
            raise ValidationError(error.message_dict["parties"]) from None


class InstrumentPartyInline(admin.TabularInline):
    model = InstrumentParty
    formset = PartiesFormSet
    extra = 0
    min_num = 2
    autocomplete_fields = ["state", "organization", "signatory"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state")


class PartyActionInline(admin.TabularInline):
    model = PartyAction
    extra = 0
    fields = ["state", "action", "taken_on", "reference", "note"]
    autocomplete_fields = ["state"]
    # Django's default text area (40 columns, 10 rows) pushed the row past the right edge of a
    # 1366-pixel screen; a note here is a line or two.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 26})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 16})},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state")


class StatusChangeInline(admin.TabularInline):
    """The history, read-only: it changes through the buttons above the form."""

    model = StatusChange
    fk_name = "instrument"
    extra = 0
    can_delete = False
    verbose_name_plural = "status history"
    fields = [
        "happened_on",
        "from_status",
        "to_status",
        "termination_type",
        "note",
        "recorded",
        "retraction",
    ]
    readonly_fields = fields
    ordering = ["happened_on", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by", "retracted_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="recorded")
    def recorded(self, change):
        who = change.recorded_by.get_username() if change.recorded_by else "Bilateral (its rule)"
        return f"{date_format(timezone.localtime(change.recorded_at), 'DATETIME_FORMAT')} by {who}"

    @admin.display(description="retracted")
    def retraction(self, change):
        if not change.is_retracted:
            return ""
        who = change.retracted_by.get_username() if change.retracted_by else "?"
        return f"Retracted {date_format(timezone.localtime(change.retracted_at))} by {who}: " + (
            change.retraction_reason
        )


class InstrumentLinkInline(admin.TabularInline):
    model = InstrumentLink
    fk_name = "instrument"
    extra = 0
    autocomplete_fields = ["target"]
    verbose_name_plural = "links to other instruments"


class InstrumentAddForm(forms.ModelForm):
    intent_stated_on = forms.DateField(
        initial=timezone.localdate,
        help_text="When the intent to conclude it was first stated: the history starts here.",
    )

    def clean_intent_stated_on(self):
        on = self.cleaned_data["intent_stated_on"]
        raise_on_field(services.validate_intent_stated_on, on, field="intent_stated_on")
        return on

    class Meta:
        model = Instrument
        fields = "__all__"  # noqa: DJ007 - the admin narrows it to its fieldsets


@admin.register(Instrument)
class InstrumentAdmin(register.RegisterAdmin, LongTitlesAdmin):
    register_kind = "instruments"
    list_display = [
        "__str__",
        "kind",
        "party_codes",
        "status_badge",
        "signed_on",
        "in_force_on",
        "projected_in_force_on",
    ]
    list_filter = [
        "status",
        "kind",
        "is_binding",
        "level",
        InstrumentPartyFilter,
        "sectors",
        year_filter("signed_on", "year signed"),
    ]
    search_fields = ["title", "short_title", "reference", "notes"]
    list_select_related = ["meeting"]
    show_full_result_count = False
    autocomplete_fields = ["meeting", "sectors", "subjects", "sources"]
    readonly_fields = [
        "status_badge",
        "signed_on",
        "in_force_on",
        "projected_in_force_on",
        "missing_steps_list",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "short_title",
                    "reference",
                    "kind",
                    "is_binding",
                    "level",
                    "sectors",
                    "subjects",
                ]
            },
        ),
        (
            "Where it stands",
            {"fields": ["status_badge", "signed_on", "signature_place", "meeting", "in_force_on"]},
        ),
        (
            "Entry into force",
            {
                "fields": [
                    "entry_into_force_rule",
                    "entry_into_force_days",
                    "entry_into_force_months",
                    "entry_into_force_date",
                    "projected_in_force_on",
                    "missing_steps_list",
                ]
            },
        ),
        ("Duration", {"fields": ["duration_years", "renews_tacitly", "notice_months"]}),
        ("Sources and notes", {"fields": ["sources", "notes", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_projection()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InstrumentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [*self.fieldsets, ("History", {"fields": ["intent_stated_on"]})]
        return self.fieldsets

    def get_inlines(self, request, obj):
        if obj is None:
            # Party actions and history need the parties and the instrument to exist first.
            return [InstrumentPartyInline, InstrumentLinkInline, DocumentInline]
        return [
            InstrumentPartyInline,
            PartyActionInline,
            InstrumentLinkInline,
            StatusChangeInline,
            DocumentInline,
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
        # A change is written whole, with its parties and links, by the service (save_related).

    def save_related(self, request, form, formsets, change):
        if change:
            entry_into_force = self._update(request, form, formsets)
        else:
            super().save_related(request, form, formsets, change)
            services.instrument_start_history(
                instrument=form.instance,
                on=form.cleaned_data["intent_stated_on"],
                user=request.user,
            )
            entry_into_force = services.instrument_promote_if_due(instrument=form.instance)
        if entry_into_force:
            on = date_format(entry_into_force.happened_on)
            messages.info(request, f"It entered into force under its rule on {on}.")

    def _update(self, request, form, formsets):
        """The change form through `services.instrument_update`, as the API's PUT: the fields, the
        parties and the links, then an entry into force the party actions above may have made
        due (so those are saved first)."""
        given = {formset.prefix: formset for formset in formsets}
        for prefix, formset in given.items():
            if prefix in ("parties", "links"):
                formset.save(commit=False)  # what changed, for the admin's history; not written
            else:
                self.save_formset(request, form, formset, change=True)
        kept = {
            prefix: [
                inline.cleaned_data
                for inline in given[prefix].forms
                if inline.cleaned_data and not inline.cleaned_data.get("DELETE", False)
            ]
            for prefix in ("parties", "links")
        }
        many = ("sectors", "subjects", "sources")
        return services.instrument_update(
            instrument=form.instance,
            parties=[
                {name: party[name] for name in ("state", "organization", "signatory")}
                for party in kept["parties"]
            ],
            links=[
                {"relation": link["relation"], "target": link["target"]} for link in kept["links"]
            ],
            **{name: form.cleaned_data[name] for name in many},
            **{name: value for name, value in form.cleaned_data.items() if name not in many},
        )

    @admin.display(description="parties")
    def party_codes(self, instrument):
        return "–".join(party.state_id for party in instrument.parties.all())

    @admin.display(description="status", ordering="status")
    def status_badge(self, instrument):
        return instrument.status_label

    @admin.display(description="projected entry into force")
    def projected_in_force_on(self, instrument):
        return instrument.projected_in_force_on or "—"

    @admin.display(description="missing steps")
    def missing_steps_list(self, instrument):
        steps = instrument.missing_steps
        if not steps:
            if not instrument.entry_into_force_rule:
                return "The rule is not recorded."
            return "Nothing: every step its rule needs is recorded."
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((s,) for s in steps))
        )

    # The status buttons: one form each, both calling the services.

    def get_urls(self):
        return [
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(self.transition_view),
                name="agreements_instrument_transition",
            ),
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="agreements_instrument_correct",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id):
        instrument = self._instrument_to_change(request, object_id)
        # The radar links here with the termination it offers filled in (?to=…&date=…): the
        # analyst reads it and saves, or not.
        offered = {
            name: request.GET[name]
            for name in ("to", "date", "termination_type", "note")
            if name in request.GET
        }
        form = TransitionForm(instrument, request.POST or None, initial=offered)

        def perform(data):
            services.instrument_transition(
                instrument=instrument,
                to=data["to"],
                on=data["date"],
                note=data["note"],
                sources=data["sources"],
                termination_type=data["termination_type"],
                user=request.user,
            )

        return self._status_form_page(
            request, instrument, form, perform, title="Change status", done="is now"
        )

    def correct_view(self, request, object_id):
        instrument = self._instrument_to_change(request, object_id)
        latest = instrument.status_changes.effective().in_world_order().last()
        form = CorrectionForm(latest, request.POST or None)

        def perform(data):
            services.status_change_correct(
                change=latest,
                reason=data["reason"],
                to=data["to"] or None,
                on=data["date"],
                note=data["note"],
                termination_type=data["termination_type"],
                user=request.user,
            )

        return self._status_form_page(
            request,
            instrument,
            form,
            perform,
            title="Correct the latest status entry",
            done="is corrected: it is",
            latest=latest,
        )

    def _status_form_page(self, request, instrument, form, perform, *, title, done, latest=None):
        """Show a status form; on a valid POST run the service, showing its refusal on the form."""
        if request.method == "POST" and form.is_valid():
            try:
                perform(form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                instrument.refresh_from_db()
                status = instrument.status_label.lower()
                messages.success(request, f"“{instrument}” {done} {status}.")
                return redirect("admin:agreements_instrument_change", instrument.pk)
        adminform = helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {})
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "original": instrument,
            "instrument": instrument,
            "adminform": adminform,
            "media": self.media + adminform.media,
            "latest": latest,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/agreements/instrument/status_form.html", context)

    def _instrument_to_change(self, request, object_id):
        instrument = get_object_or_404(Instrument, pk=object_id)
        if not self.has_change_permission(request, instrument):
            raise PermissionDenied
        return instrument


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label="New status")
    date = forms.DateField(
        initial=timezone.localdate,
        widget=AdminDateWidget,
        help_text="When it happened in the world.",
    )
    termination_type = forms.ChoiceField(
        choices=[("", "—"), *Instrument.TerminationType.choices],
        required=False,
        help_text="Only for a termination.",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    sources = forms.ModelMultipleChoiceField(
        Source.objects.all(),
        required=False,
        widget=FilteredSelectMultiple("sources", is_stacked=False),
    )

    def __init__(self, instrument, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (status.value, status.label) for status in instrument.allowed_transitions()
        ]


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Why the entry is mistaken."
    )
    to = forms.ChoiceField(
        label="Replace with",
        required=False,
        help_text="Leave empty to remove the entry without replacing it.",
    )
    date = forms.DateField(
        required=False, widget=AdminDateWidget, help_text="Empty keeps the mistaken entry's date."
    )
    termination_type = forms.ChoiceField(
        choices=[("", "—"), *Instrument.TerminationType.choices], required=False
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, latest, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if latest.from_status:
            options = Instrument.TRANSITIONS[Instrument.Status(latest.from_status)]
        else:
            options = [Instrument.Status.PROPOSED]
        self.fields["to"].choices = [("", "— remove only —")] + [
            (status.value, status.label) for status in options
        ]
