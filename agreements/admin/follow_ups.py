"""The admin of follow-up actions and their progress updates (which change the status)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html

from agreements import services
from agreements.admin.common import LongTitlesAdmin, UrgencyFilter, add_errors, year_filter
from agreements.admin.register import RegisterAdmin
from agreements.models import ActionUpdate, FollowUpAction


class UpdatesFormSet(BaseInlineFormSet):
    """New progress updates only; a status change must be one the map allows."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        new = [form for form in self.forms if form.instance.pk is None and form.has_changed()]
        changes = [form for form in new if form.cleaned_data.get("to_status")]
        if len(changes) > 1:
            raise ValidationError("Change the status in one progress update at a time.")
        for form in new:
            try:
                services.validate_action_update(
                    action=self.instance,
                    note=form.cleaned_data.get("note", ""),
                    happened_on=form.cleaned_data["happened_on"],
                    to_status=form.cleaned_data.get("to_status", ""),
                )
            except ValidationError as error:
                add_errors(form, error)


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    formset = UpdatesFormSet
    extra = 1
    can_delete = False
    fields = ["happened_on", "note", "to_status", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")

    def has_change_permission(self, request, obj=None):
        # Past updates are history: they are read, not edited.
        return False


@admin.register(FollowUpAction)
class FollowUpActionAdmin(RegisterAdmin, LongTitlesAdmin):
    register_kind = "follow-ups"
    list_display = [
        "title",
        "responsible",
        "origin",
        "due_on",
        "status",
        "signals",
    ]
    list_filter = [
        "status",
        UrgencyFilter,
        ("responsible_state", admin.RelatedOnlyFieldListFilter),
        year_filter("due_on", "year due"),
    ]
    search_fields = ["title", "description"]
    list_select_related = [
        "responsible_state",
        "responsible_organization",
        "origin_meeting",
        "origin_instrument",
    ]
    show_full_result_count = False
    autocomplete_fields = [
        "responsible_state",
        "responsible_organization",
        "responsible_contact",
        "origin_meeting",
        "origin_instrument",
        "result_instrument",
        "result_meeting",
        "sectors",
        "sources",
    ]
    readonly_fields = ["status", "signals", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "description", "sectors"]}),
        (
            "Who and where from",
            {
                "fields": [
                    "responsible_state",
                    "responsible_organization",
                    "responsible_contact",
                    "origin_meeting",
                    "origin_instrument",
                    "agreed_on",
                ]
            },
        ),
        (
            "Where it stands",
            {"fields": ["status", "due_on", "signals"]},
        ),
        ("What fulfils it", {"fields": ["result_instrument", "result_meeting"]}),
        ("Sources", {"fields": ["sources", "created_at", "updated_at"]}),
    ]
    inlines = [ActionUpdateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_last_activity()

    def save_formset(self, request, form, formset, change):
        if formset.model is not ActionUpdate:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for update_form in formset.forms:
            if update_form.instance.pk is None and update_form.has_changed():
                data = update_form.cleaned_data
                update = services.action_record_update(
                    action=form.instance,
                    note=data["note"],
                    happened_on=data["happened_on"],
                    to_status=data.get("to_status", ""),
                    user=request.user,
                )
                formset.new_objects.append(update)

    @admin.display(description="responsible")
    def responsible(self, action):
        return action.responsible_organization or action.responsible_state or "Not assigned"

    @admin.display(description="agreed at")
    def origin(self, action):
        return action.origin_meeting or action.origin_instrument

    @admin.display(description="signals")
    def signals(self, action):
        """Overdue, due soon, stale: in words, since a tick under "stale" would read as good."""
        words = [
            label
            for label, applies in [
                ("Overdue", action.is_overdue),
                ("Due soon", action.is_due_soon),
                ("Stale", action.is_stale),
            ]
            if applies
        ]
        return format_html("<strong>{}</strong>", " · ".join(words)) if words else "—"
