"""`{% pair_series_flags a b %}`: a relationship's overdue meeting series, flagged on its page
without the view computing them; `pair_radar` is a pair's radar, first page (the brief's).

The relationship page shows only the series (one query) and links to the pair's radar."""

from django import template

from agreements.models import today
from agreements.models.reference import ordered_pair
from agreements.radar import RadarPage, Selection, radar_page, series_items
from agreements.series import series_of_pair

register = template.Library()


def pair_radar(code_a: str, code_b: str, *, per_page: int) -> RadarPage:
    """The first `per_page` items of a pair's radar, with its counts (`radar_page`)."""
    return radar_page(Selection(pair=ordered_pair(code_a, code_b)), per_page=per_page)


@register.inclusion_tag("agreements/includes/pair_radar.html")
def pair_series_flags(a, b):
    return {"a": a, "b": b, "items": series_items(series_of_pair(a.code, b.code), on=today())}
