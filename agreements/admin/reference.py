"""The admin of the reference data: states, organizations, people, sectors, subjects, sources."""

from django.contrib import admin
from django.utils.html import format_html

from agreements.admin.register import RegisterAdmin
from agreements.models import Organization, Person, Sector, Source, State, Subject


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    """States come from ISO 3166-1 by migration: everyone reads them, nobody edits them here."""

    list_display = ["code", "name", "official_name"]
    search_fields = ["code", "name", "official_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(RegisterAdmin, admin.ModelAdmin):
    register_kind = "organizations"
    list_display = ["name", "state", "kind"]
    list_filter = ["kind"]
    list_select_related = ["state"]
    search_fields = ["name", "state__name", "state__code"]
    autocomplete_fields = ["state"]


@admin.register(Person)
class PersonAdmin(RegisterAdmin, admin.ModelAdmin):
    register_kind = "people"
    list_display = ["name", "position", "organization", "email"]
    list_select_related = ["organization__state"]
    search_fields = ["name", "position", "organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    """The standard subjects of the coverage grid: analysts edit the list and its definitions."""

    list_display = ["name", "definition"]
    search_fields = ["name", "slug", "definition"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "link"]
    search_fields = ["title", "publisher", "url", "excerpt"]
    date_hierarchy = "published_on"

    @admin.display(description="URL")
    def link(self, source):
        if not source.url:
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', source.url, source.url)
