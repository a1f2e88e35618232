"""The radar page: what is stuck, what falls due and what may be closed, with why."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agreements.filters import RadarPageFilter
from agreements.models import Instrument
from agreements.radar import Rule, radar_items


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def radar(request):
    """Every radar item the filters select, grouped by rule; an analyst gets a button to record a
    termination the radar offers (it opens the status form filled in, never records it)."""
    selection = RadarPageFilter(request.GET, queryset=Instrument.objects.all())
    items = []
    if selection.is_valid():
        items = radar_items(selection.qs, series=selection.series())
    groups = [
        {"rule": rule, "label": rule.label, "items": [i for i in items if i.rule == rule]}
        for rule in Rule
    ]
    return render(
        request,
        "agreements/radar.html",
        {
            "selection": selection,
            "count": len(items),
            "groups": [group for group in groups if group["items"]],
            "may_terminate": request.user.has_perm("agreements.add_statuschange"),
        },
    )
