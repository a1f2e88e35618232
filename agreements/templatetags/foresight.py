"""`{% pair_radar a b %}`: a relationship's radar items, for the pages of that pair (the
relationship page and its brief) without each view computing them."""

from django import template

from agreements.models import Instrument
from agreements.radar import radar_items
from agreements.series import series_of_pair

register = template.Library()


def pair_items(code_a: str, code_b: str) -> list:
    """The radar of one pair: five queries (`radar_items`)."""
    return radar_items(
        Instrument.objects.for_pair(code_a, code_b), series=series_of_pair(code_a, code_b)
    )


@register.inclusion_tag("agreements/includes/pair_radar.html")
def pair_radar(a, b):
    return {"a": a, "b": b, "items": pair_items(a.code, b.code)}
