"""Conditional and cached reads, and optimistic concurrency, for every list and detail of the API.

An answer is named by a *key*: the data version (`agreements.models.versions`: moved by
PostgreSQL on every write to any table the API reads), the request's path and query, the chosen
format, the reader's permissions (their role), today's date (overdue, stale and projected dates
depend on it) and the code that computes it. The first read of a key computes the answer as
before and keeps its rendered bytes and its ETag in the shared cache (`bilateral/cache.py`) for
KEEP_SECONDS when that is a cache server (CACHE_URL), and a copy in the process's `recent`
answers; every later read of the same key,
in any process, costs authentication, throttling, one version read and at most one cache read
(with a token the process has verified before, the version read is authentication's one query):
`If-None-Match` with that ETag answers 304, anything else the kept bytes. A write moves the
version, so the next read has a new key: an answer is never served for data older than the
version read before it.

ETags name the content (a hash of the rendered list, or of a detail's data), not the version: a
write elsewhere does not change the ETag of an answer it did not change. On a detail, the same
ETag is what `If-Match` must name for a PUT or PATCH to go ahead (412 otherwise), checked against
the object fetched once, under a row lock, by Django's own `get_conditional_response`.

CSV lists stream and are neither kept nor tagged.
"""

import hashlib
import json
from pathlib import Path

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import SimpleLazyObject
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from agreements.api.last_used import LastUsed
from agreements.models import data_version, today

# How long a kept answer stays in the cache unread. A kept answer is never stale (its key names
# the data version); this only bounds the cache's size.
KEEP_SECONDS = 600


class RecentAnswers(LastUsed):
    """The last few answers this process kept or served, in its own memory, in front of the
    shared cache: a key names one unchanging answer (the data version is in it), so a copy here
    can never disagree with the shared one, and a repeated read or a 304 skips the round trip to
    the cache server, which measured as much as the rest of a 304 together (docs/performance.md).
    Small answers only, and a few: memory stays flat."""

    ENTRIES = 128
    LARGEST = 256 * 1024

    def put(self, key, answer) -> None:
        if len(answer[1]) <= self.LARGEST:
            super().put(key, answer)


recent = RecentAnswers()


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "This record has changed since you read it (If-Match does not match its ETag). "
        "Read it again and re-apply your change."
    )
    default_code = "precondition_failed"


def etag_of(data) -> str:
    """A detail's ETag: a hash of what it shows, whichever format it is read in."""
    body = json.dumps(data, sort_keys=True, default=str).encode()
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _code_version() -> str:
    """A hash of the application's source: a deployment of new code computes new answers, so
    it must not serve answers kept by the old code (all processes of one release agree)."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for path in sorted([*root.glob("agreements/**/*.py"), *root.glob("bilateral/**/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = SimpleLazyObject(_code_version)


def _kept_in_shared_cache() -> bool:
    """Rendered answers go to the shared cache only when it is a cache server (CACHE_URL). Kept
    in a table of the same database, an answer costs more queries to read and write than to
    compute (docs/performance.md), so each process keeps only its own recent answers."""
    return not isinstance(caches["default"], DatabaseCache)


class ConditionalListMixin:
    """For list views: the list answered from the shared cache while the data version stands,
    304 for a current If-None-Match."""

    _tagged = False  # the answer being computed gets an ETag...
    _kept_under = None  # ...and is kept under this key (None: not kept)

    def list(self, request, *args, **kwargs):
        compute = super().list  # bound here: super() needs the method's own frame
        return self.kept_or_computed(request, lambda: compute(request, *args, **kwargs))

    def kept_or_computed(self, request, compute):
        """The kept answer of this request's key, else `compute()`, kept for the next reader.
        A view that writes its own `list` calls this with its computation."""
        kept = self._kept_answer(request)
        return kept if kept is not None else compute()

    def answer_key(self, request) -> str | None:
        """None when this request's transaction has written (`data_version`)."""
        # Read first: what is read afterwards is at least this new. A token's authentication
        # read it already, in the same query as the credentials' version.
        read = getattr(request, "versions_read", None)
        version = read.data if read is not None else data_version()
        if version is None:
            return None
        user = request.user
        role = ["superuser"] if user.is_superuser else sorted(user.get_all_permissions())
        parts = [
            version,
            request.get_full_path(),
            request.accepted_renderer.format,
            hashlib.sha256(json.dumps(role).encode()).hexdigest(),
            today().isoformat(),
            str(CODE_VERSION),
        ]
        return "api-answer:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def _kept_answer(self, request):
        if request.accepted_renderer.format == "csv":
            return None
        key = self.answer_key(request)
        kept = None if key is None else recent.get(key)
        if key is not None and kept is None and _kept_in_shared_cache():
            kept = cache.get(key)
            if kept is not None:
                recent.put(key, kept)
        if kept is None:  # computed by the view, then tagged (and kept) by finalize_response
            self._tagged, self._kept_under = True, key
            return None
        etag, content, content_type = kept
        return _conditional(request, HttpResponse(content, content_type=content_type), etag)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        tagged, key = self._tagged, self._kept_under
        self._tagged, self._kept_under = False, None
        if not tagged or response.status_code != 200 or response.streaming:
            return response
        response.render()
        if self.detail:
            etag = etag_of(response.data)
        else:
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        if key is not None:
            kept = (etag, response.content, response["Content-Type"])
            if _kept_in_shared_cache():
                cache.set(key, kept, KEEP_SECONDS)
            recent.put(key, kept)
        return _conditional(request, response, etag)


class ConditionalReadMixin(ConditionalListMixin):
    """For viewsets with details: the detail too."""

    def retrieve(self, request, *args, **kwargs):
        compute = super().retrieve
        return self.kept_or_computed(request, lambda: compute(request, *args, **kwargs))


class IfMatchMixin:
    """For viewsets that update: a PUT or PATCH whose If-Match names another ETag than the
    detail's current one answers 412 and changes nothing. The object is fetched once."""

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        # Writers of one row queue here (the request is one transaction); the second then reads
        # the first's version, and its If-Match no longer matches.
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        try:
            list(
                self.get_queryset().model.objects.select_for_update().filter(**lookup).values("pk")
            )
        except (TypeError, ValueError, DjangoValidationError):
            raise Http404 from None  # a malformed id, as get_object() answers it
        instance = self.get_object()  # the one fetch (404 for an unknown id)
        if "If-Match" in request.headers:
            current = etag_of(self.get_serializer(instance).data)
            if get_conditional_response(request, etag=current) is not None:
                raise PreconditionFailed()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        if getattr(instance, "_prefetched_objects_cache", None):
            instance._prefetched_objects_cache = {}  # the changed relations are read anew
        response = Response(serializer.data)
        response["ETag"] = etag_of(response.data)
        return response


def _conditional(request, response, etag: str):
    response["ETag"] = etag
    # Any cache on the way keeps it for this reader only, and asks again each time (with the
    # ETag: a 304 costs little).
    patch_cache_control(response, private=True, no_cache=True)
    return get_conditional_response(request, etag=etag, response=response)
