"""The admin of meetings, with what was signed and promised at each."""

from django.contrib import admin

from agreements.admin.common import LongTitlesAdmin, MeetingStateFilter, ReadOnlyInline, year_filter
from agreements.admin.documents import DocumentInline
from agreements.admin.register import RegisterAdmin
from agreements.models import FollowUpAction, Instrument, Meeting, MeetingSeries, today
from agreements.series import series_state, series_with_rounds


class SignedInstrumentInline(ReadOnlyInline):
    model = Instrument
    fk_name = "meeting"
    fields = ["title", "kind", "status_label"]
    readonly_fields = fields
    verbose_name_plural = "instruments signed or agreed here"

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
class MeetingAdmin(RegisterAdmin, LongTitlesAdmin):
    register_kind = "meetings"
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
    autocomplete_fields = [
        "host",
        "states",
        "people",
        "organizations",
        "sectors",
        "sources",
        "series",
    ]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SignedInstrumentInline, OriginatedActionInline, DocumentInline]
    fieldsets = [
        (None, {"fields": ["title", "kind", "series", "round_number", "status", "summary"]}),
        ("When and where", {"fields": ["starts_on", "ends_on", "place", "host"]}),
        ("Who", {"fields": ["states", "people", "organizations"]}),
        ("Context", {"fields": ["sectors", "sources", "created_at", "updated_at"]}),
    ]


class RoundInline(ReadOnlyInline):
    model = Meeting
    fk_name = "series"
    fields = ["title", "round_number", "starts_on", "status"]
    readonly_fields = fields
    verbose_name_plural = "rounds (record a round as a meeting, choosing this series)"


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    """Recurring commitments: analysts record them; the next round's due date is worked out."""

    list_display = ["title", "state_a", "state_b", "interval_months", "last_held", "next_due"]
    list_filter = ["kind"]
    search_fields = ["title"]
    autocomplete_fields = ["state_a", "state_b"]
    inlines = [RoundInline]

    def get_queryset(self, request):
        return series_with_rounds(super().get_queryset(request))

    @admin.display(description="last round held")
    def last_held(self, series):
        return series.last_held_on or "—"

    @admin.display(description="next round due")
    def next_due(self, series):
        state = series_state(series, on=today())
        if state.next_due_on is None:
            return "— (no interval)" if series.last_held_on else "—"
        return f"{state.next_due_on}{' (overdue)' if state.is_overdue else ''}"
