"""The admin of indicators."""

from django.contrib import admin

from agreements.models import Indicator
from agreements.models.reference import pair_name


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["metric", "pair", "period_start", "period_end", "value", "unit"]
    list_filter = ["metric"]
    list_select_related = ["state_a", "state_b"]
    search_fields = ["state_a__name", "state_b__name", "note"]
    autocomplete_fields = ["state_a", "state_b", "sources"]

    @admin.display(description="pair")
    def pair(self, indicator):
        return pair_name(indicator.state_a, indicator.state_b)
