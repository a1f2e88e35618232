"""CSV on every list (`?format=csv` or `Accept: text/csv`): every row the filters select, not a
page, streamed in chunks so memory stays flat however many rows there are. The lines are written
by `agreements.lists.csv_file`, which makes cells that would run as formulas safe."""

from rest_framework.renderers import BaseRenderer

from agreements.lists.csv_file import CHUNK_SIZE, csv_lines, csv_response


class CSVRenderer(BaseRenderer):
    """Declares text/csv for content negotiation; lists stream through `CSVListMixin`, and what
    reaches here (an error) is written as one row."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data if isinstance(data, list) else [data]
        return "".join(csv_lines([flatten(row) for row in rows if isinstance(row, dict)]))


def flatten(row: dict, prefix: str = "") -> dict:
    """Nested objects become dotted columns; lists become values joined by '; ' (an object in
    a list, such as a link, its values joined by spaces: "amends 12")."""
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "; ".join(_in_words(item) for item in value)
        else:
            flat[name] = "" if value is None else value
    return flat


def _in_words(item) -> str:
    if isinstance(item, dict):
        return " ".join(str(part) for part in item.values())
    return str(item)


class CSVListMixin:
    """For list views: with the CSV renderer chosen, stream every filtered row."""

    def get_renderers(self):
        return [*super().get_renderers(), CSVRenderer()]

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "csv":
            return super().list(request, *args, **kwargs)
        if self.paginator is not None:
            # Every row, whatever the page; yet a paging parameter is refused as on a page.
            self.paginator.check_query(request)
        queryset = self.filter_queryset(self.get_queryset())
        # One serializer for every row and the header: building its fields anew per row cost
        # most of the time.
        serializer = self.get_serializer_class()(context=self.get_serializer_context())

        rows = (flatten(row) for row in self.csv_rows(queryset, serializer))
        header = [name for name, field in serializer.fields.items() if not field.write_only]
        header = _flat_header(serializer, header)
        name = request.path.rstrip("/").rsplit("/", 1)[-1]  # instruments, actions, …
        return csv_response(rows, header, f"{name}.csv")

    def csv_rows(self, queryset, serializer):
        """Every row as the serializer represents it; a view with a faster way overrides this."""
        for instance in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield serializer.to_representation(instance)


def _flat_header(serializer, names):
    """Column names in field order, nested serializers as dotted names."""
    header = []
    for name in names:
        field = serializer.fields[name]
        if hasattr(field, "fields") and not getattr(field, "many", False):
            header += [f"{name}.{child}" for child in field.fields]
        else:
            header.append(name)
    return header
