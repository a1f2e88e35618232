"""The admin of meetings, with what was signed and promised at each."""

from django.contrib import admin

from agreements.admin.common import LongTitlesAdmin, MeetingStateFilter, year_filter
from agreements.models import FollowUpAction, Instrument, Meeting


class SignedInstrumentInline(admin.TabularInline):
    model = Instrument
    fk_name = "meeting"
    extra = 0
    fields = ["title", "kind", "status_label"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "instruments signed or agreed here"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="status")
    def status_label(self, instrument):
        return instrument.status_label


class OriginatedActionInline(admin.TabularInline):
    model = FollowUpAction
    fk_name = "origin_meeting"
    extra = 0
    fields = ["title", "responsible_state", "due_on", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["responsible_state"]
    show_change_link = True
    verbose_name_plural = "follow-up actions agreed here"


@admin.register(Meeting)
class MeetingAdmin(LongTitlesAdmin):
    list_display = ["title", "kind", "round_number", "starts_on", "place", "host", "status"]
    list_filter = [
        "status",
        "kind",
        MeetingStateFilter,
        "sectors",
        year_filter("starts_on", "year"),
    ]
    search_fields = ["title", "summary", "place"]
    list_select_related = ["host"]
    show_full_result_count = False
    autocomplete_fields = ["host", "states", "people", "organizations", "sectors", "sources"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SignedInstrumentInline, OriginatedActionInline]
    fieldsets = [
        (None, {"fields": ["title", "kind", "round_number", "status", "summary"]}),
        ("When and where", {"fields": ["starts_on", "ends_on", "place", "host"]}),
        ("Who", {"fields": ["states", "people", "organizations"]}),
        ("Context", {"fields": ["sectors", "sources", "created_at", "updated_at"]}),
    ]
