"""{{ row.passage|passage }}: a document's passage that matched a search, escaped, with the
matched words marked (`agreements/documents/search.py`)."""

from django import template

from agreements.documents.search import highlighted

register = template.Library()
register.filter("passage", highlighted)
