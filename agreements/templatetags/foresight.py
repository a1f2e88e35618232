"""`{% pair_series_flags a b %}`: a relationship's overdue meeting series, flagged on its page
without the view computing them; `pair_items` is the whole radar of a pair (the brief's).

The relationship page shows only the series (one query) and links to the pair's radar: the
whole radar of a busy pair reads every candidate instrument, 0.5 s at 10,000 instruments."""

from django import template

from agreements.models import Instrument, today
from agreements.radar import radar_items, series_items
from agreements.series import series_of_pair

register = template.Library()


def pair_items(code_a: str, code_b: str) -> list:
    """The radar of one pair: five queries (`radar_items`)."""
    return radar_items(
        Instrument.objects.for_pair(code_a, code_b), series=series_of_pair(code_a, code_b)
    )


@register.inclusion_tag("agreements/includes/pair_radar.html")
def pair_series_flags(a, b):
    return {"a": a, "b": b, "items": series_items(series_of_pair(a.code, b.code), on=today())}
