"""Health checks and the pages shown when a request fails.

/healthz answers as long as the process runs (a liveness probe: restarting the web container
cannot bring a database back); it also says whether the database answers. /readyz answers 200 only
when the database is reachable, every migration is applied and the shared cache answers (a
readiness probe: send traffic).
"""

import copy
import sys
import threading

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bilateral.cache import cache_problem

DATABASE_DOWN = (
    "The database is unavailable. Nothing was changed. Please try again in a minute; "
    "the service resumes by itself when the database is back."
)
SERVER_ERROR = "Something went wrong on our side. Nothing was changed; the error has been logged."
FORBIDDEN = (
    "Your login's role may not open this page: analysts record and change, managers and "
    "consumers read. If your work needs it, ask an administrator to change your role."
)
NOT_FOUND = (
    "There is no page at this address. It may have been mistyped, or what it showed was deleted."
)


# How long /healthz and /readyz wait for the database: less than the image's health check (4 s),
# so that a hanging database is reported, not mistaken for a hanging process. (2 s is also
# libpq's shortest connect timeout.)
DATABASE_WAIT_SECONDS = 2

_asking = threading.Lock()
_question: threading.Thread | None = None


def _database_problem() -> str:
    """Empty when the database answers within DATABASE_WAIT_SECONDS, otherwise what is wrong.

    The question runs on a connection of its own in a thread, abandoned once the wait is over (a
    hanging server may never answer); a process keeps at most one such question open, so a
    database that hangs for long cannot pile up threads or connections."""
    global _question
    with _asking:
        if _question is not None and _question.is_alive():
            return "no answer (the previous check is still waiting)"
        answer = {}
        _question = threading.Thread(target=_ask_database, args=(answer,), daemon=True)
        _question.start()
        question = _question
    question.join(DATABASE_WAIT_SECONDS)
    if question.is_alive():
        return f"no answer within {DATABASE_WAIT_SECONDS} s"
    return answer["problem"]


def _ask_database(answer: dict) -> None:
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings_dict["OPTIONS"]["connect_timeout"] = DATABASE_WAIT_SECONDS
    connection = connections[DEFAULT_DB_ALIAS].__class__(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        answer["problem"] = ""
    except DatabaseError as error:
        answer["problem"] = f"unreachable ({type(error).__name__})"
    finally:
        connection.close()


_migrated = False


def _unapplied_migrations() -> int:
    global _migrated
    if _migrated:  # once all are applied they stay applied for this process's code
        return 0
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrated = pending == 0
    return pending


@require_safe
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    problem = _database_problem()
    return JsonResponse({"status": "ok", "database": problem or "reachable"})


@require_safe
@never_cache
@transaction.non_atomic_requests
def readyz(request):
    problem = _database_problem()
    if problem:
        return JsonResponse({"status": "unavailable", "database": problem}, status=503)
    pending = _unapplied_migrations()
    if pending:
        return JsonResponse(
            {"status": "unavailable", "database": f"{pending} migrations not applied"}, status=503
        )
    cache = cache_problem()
    if cache:
        # Requests are still answered (uncached, bilateral/cache.py), but slower: say so.
        return JsonResponse(
            {"status": "unavailable", "database": "reachable", "cache": cache}, status=503
        )
    return JsonResponse({"status": "ok", "database": "reachable", "cache": "reachable"})


def server_error(request):
    """Django's handler500, called while the exception is being handled: a database that cannot
    be reached is an outage (503, try again), anything else a bug (500)."""
    error = sys.exc_info()[1]
    outage = isinstance(error, (OperationalError, InterfaceError))
    status, title, message = (
        (503, "Temporarily unavailable", DATABASE_DOWN)
        if outage
        else (500, "Server error", SERVER_ERROR)
    )
    response = error_response(request, status=status, title=title, message=message)
    if outage:
        response["Retry-After"] = "30"
    return response


def error_response(request, *, status: int, title: str, message: str) -> HttpResponse:
    """An error with its message: JSON under /api/, a plain page elsewhere. The template uses no
    context processor: they would ask the database for the user."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    html = loader.get_template("error.html").render({"title": title, "message": message})
    return HttpResponse(html, status=status)


def permission_denied(request, exception):
    """Django's handler403: our own page (JSON under /api/) saying why and what to do, instead
    of a bare "403 Forbidden"."""
    return error_response(request, status=403, title="Not for your role", message=FORBIDDEN)


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (a JSON answer, a file): the
    pages' own icon."""
    return HttpResponsePermanentRedirect(static("agreements/favicon.svg"))


def page_not_found(request, exception):
    """Django's handler404 (with DEBUG off): JSON under /api/ (a path no route matches), our own
    page elsewhere, with the way back."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "No such page of the API."}, status=404)
    return error_response(request, status=404, title="Page not found", message=NOT_FOUND)
