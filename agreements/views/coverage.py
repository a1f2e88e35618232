"""The coverage grid: a state's relationships against the standard subjects, as a page and CSV."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agreements.coverage import LEVEL_LABELS, coverage_grid, grid_csv_header, grid_csv_rows
from agreements.lists.csv_file import csv_response
from agreements.models import State


@require_safe
@login_required
@permission_required("agreements.view_instrument", raise_exception=True)
def coverage(request):
    """`?state=KZ` (default: the HOME_STATE setting; without either the page asks which)."""
    code = (request.GET.get("state") or settings.HOME_STATE or "").upper()
    state = State.objects.filter(code=code).first() if code else None
    error = f"No state has the code “{code}”." if code and state is None else None
    grid = coverage_grid(state) if state else None
    if grid and request.GET.get("format") == "csv":
        return csv_response(
            grid_csv_rows(grid), grid_csv_header(grid), f"coverage-{state.code}.csv"
        )
    return render(
        request,
        "agreements/coverage.html",
        {
            "state": state,
            "grid": grid,
            "error": error,
            "states": State.objects.only("code", "name"),
            "levels": LEVEL_LABELS.items(),
        },
    )
