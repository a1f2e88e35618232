"""What several admins share: list filters, the base for lists with long titles, a read-only
inline, and the helpers that show a service's refusal on a form."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Exists, Max, Min, OuterRef

from agreements.lists.paging import CappedCountPaginator
from agreements.models import InstrumentParty, Meeting, State
from agreements.whole_numbers import parse_whole_number


class InstrumentPartyFilter(admin.SimpleListFilter):
    title = "party"
    parameter_name = "party"

    def lookups(self, request, model_admin):
        # One index probe per state, not a pass over every party of every instrument.
        parties = InstrumentParty.objects.filter(state=OuterRef("pk"))
        return [(state.code, state.name) for state in State.objects.filter(Exists(parties))]

    def queryset(self, request, queryset):
        return queryset.with_party(self.value()) if self.value() else queryset


class MeetingStateFilter(admin.SimpleListFilter):
    title = "participating state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        taking_part = Meeting.states.through.objects.filter(state=OuterRef("pk"))
        return [(state.code, state.name) for state in State.objects.filter(Exists(taking_part))]

    def queryset(self, request, queryset):
        return queryset.filter(states=self.value()) if self.value() else queryset


def year_filter(field_name: str, label: str):
    """A list filter on the year of a date field, offering every year from the first to the
    last that occurs (two index lookups, where listing the distinct years reads every row)."""

    class YearFilter(admin.SimpleListFilter):
        title = label
        parameter_name = f"{field_name}_year"

        def lookups(self, request, model_admin):
            span = model_admin.model.objects.aggregate(first=Min(field_name), last=Max(field_name))
            if span["first"] is None:
                return []
            years = range(span["last"].year, span["first"].year - 1, -1)
            return [(str(year), str(year)) for year in years]

        def queryset(self, request, queryset):
            if not self.value():
                return queryset
            year = parse_whole_number(self.value())
            if year is None or not 1 <= year <= 9999:  # what a date can hold
                return queryset.none()
            return queryset.filter(**{f"{field_name}__year": year})

    return YearFilter


class UrgencyFilter(admin.SimpleListFilter):
    title = "urgency"
    parameter_name = "urgency"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("due_soon", "Due within 30 days"),
            ("stale", "Stale (no update in 90 days)"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "overdue":
                return queryset.overdue()
            case "due_soon":
                return queryset.due_soon()
            case "stale":
                return queryset.stale()
        return queryset


class LongTitlesAdmin(admin.ModelAdmin):
    """The big lists (instruments, meetings, follow-ups). Treaty and meeting titles run to a
    sentence: give them room to be read. The list counts its rows only up to 10,000, as the API
    does, so that a page costs the same however large the archive."""

    paginator = CappedCountPaginator

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "title":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 90})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on another object's page, changed only on their own pages."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form, on the field it names where the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def raise_on_field(check, *args, field: str, **kwargs) -> None:
    """Run a service's check inside a form's clean_<field>, as that field's error."""
    try:
        check(*args, **kwargs)
    except ValidationError as error:
        raise ValidationError(error.message_dict.get(field, error.messages)) from None
