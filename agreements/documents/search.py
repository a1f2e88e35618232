"""Finding instruments and meetings by the text of their documents, and the passage that matched
(PostgreSQL's `ts_headline`), for the search page and the API's `q` filters."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db.models import OuterRef, Subquery
from django.utils.html import escape
from django.utils.safestring import mark_safe

from agreements.models import Document

# The matched words are marked with characters no document text holds (extraction keeps only
# text); the page escapes the passage first and then turns them into <mark>, so the text of a
# document can never inject markup.
START, STOP = "\x02", "\x03"


def search_query(value: str) -> SearchQuery:
    """What the search box means: English stemming, quotes for a phrase, a minus to leave out."""
    return SearchQuery(value, config="english", search_type="websearch")


def documents_matching(query: SearchQuery):
    return Document.objects.filter(search_vector=query)


def owners_matching(owner: str, query: SearchQuery):
    """The ids of the instruments (owner="instrument") or meetings whose documents match."""
    return documents_matching(query).values(f"{owner}_id")


def passage(query: SearchQuery, expression="text") -> SearchHeadline:
    return SearchHeadline(
        expression,
        query,
        config="english",
        start_sel=START,
        stop_sel=STOP,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def with_passages(queryset, owner: str, query: SearchQuery):
    """Each row annotated with `passage`: the matching passage of its first matching document
    (None when only its own fields matched)."""
    first_match = (
        documents_matching(query)
        .filter(**{owner: OuterRef("pk")})
        .order_by("uploaded_at", "id")
        .annotate(passage=passage(query))
        .values("passage")[:1]
    )
    return queryset.annotate(passage=Subquery(first_match))


def highlighted(text: str | None) -> str:
    """A passage as HTML: escaped, with the matched words in <mark>."""
    if not text:
        return ""
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))
