"""The radar page: what is stuck, what falls due and what may be closed, with why."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agreements.filters import RadarPageFilter
from agreements.lists.paging import COUNT_LIMIT
from agreements.models import Instrument
from agreements.radar import radar_page
from agreements.whole_numbers import page_number


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def radar(request):
    """A page of 50 radar items the filters select, grouped by rule, with each rule's count (a
    link to its items alone); an analyst gets a button to record a termination the radar offers
    (it opens the status form filled in, never records it)."""
    selection = RadarPageFilter(request.GET, queryset=Instrument.objects.all())
    page = None
    if selection.is_valid():
        # Anything but a page number is the first page (a number past the last is the last).
        number = page_number(request.GET.get("page")) or 1
        page = radar_page(selection.selection(), number=number)
    query = request.GET.copy()
    query.pop("page", None)
    without_rule = query.copy()
    without_rule.pop("rule", None)
    return render(
        request,
        "agreements/radar.html",
        {
            "selection": selection,
            "page": page,
            "count_limit": COUNT_LIMIT,
            "page_query": query.urlencode(),
            "rule_query": without_rule.urlencode(),
            "may_terminate": request.user.has_perm("agreements.add_statuschange"),
        },
    )
