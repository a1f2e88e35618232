"""`{% coverage_cells row %}`: a row of the coverage grid, each cell in colour and in words,
linking to its instrument. A grid at a million instruments has a thousand cells, nearly all
filled: written here with one string each, where the template's tags and filters took a tenth of
a millisecond per cell (most of the page's time at a million instruments), and with the link's
path reversed once per page, not once per cell."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

# A number no instrument has, replaced by each cell's instrument in the reversed path.
PLACEHOLDER = 987654321


@register.simple_tag(takes_context=True)
def coverage_cells(context, row) -> str:
    render = context.render_context
    if "instrument_path" not in render:
        path = reverse("instrument-page", args=[PLACEHOLDER])
        render["instrument_path"] = escape(path).replace(str(PLACEHOLDER), "{}")
    path = render["instrument_path"]
    return mark_safe("\n".join(_cell(cell, path) for cell in row.cells))  # noqa: S308 (escaped)


def _cell(cell, path: str) -> str:
    # The level and its label are the grid's own words (`coverage.LEVEL_LABELS`); the title is
    # escaped.
    if cell.first is None:
        return f'<td class="cover cover-{cell.level}">{cell.label}</td>'
    instrument_id, title = cell.first
    more = cell.count - 1
    hint, note = (f" and {more} more", f" <small>+{more}</small>") if more else ("", "")
    return (
        f'<td class="cover cover-{cell.level}"><a href="{path.format(int(instrument_id))}" '
        f'title="{escape(title)}{hint}">{cell.label}</a>{note}</td>'
    )
