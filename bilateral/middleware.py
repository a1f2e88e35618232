"""The request id: taken from the proxy's X-Request-ID header when it sends a sane one, made up
otherwise; sent back in the response, written on every log line and into the audit trail."""

import contextvars
import logging
import re
import uuid

from bilateral.views import error_response

current_request_id = contextvars.ContextVar("request_id", default="-")

SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


NUL_REFUSED = (
    "The request holds a NUL character (%00), which no address, filter or field may contain. "
    "Nothing was changed."
)


class RefuseNulBytesMiddleware:
    """Answers 400 to a NUL character anywhere a view would take text from: the path, the query,
    a header or cookie, a form body. PostgreSQL cannot store or even compare such text, so each
    place that passes it to a query (a pair in a path, an admin list filter, a session cookie)
    would otherwise fail with a 500; refusing it here closes them all at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request):
            return error_response(request, status=400, title="Bad request", message=NUL_REFUSED)
        return self.get_response(request)


class AdminNumberTooLargeMiddleware:
    """Answers 400 where the admin's date drill-down (`?published_on__year=`, any list with a
    `date_hierarchy`, django-axes' logs too) is given a year beyond a machine integer: Django
    catches the ValueError of an impossible date there but not the OverflowError, a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError) and request.path_info.startswith("/admin/"):
            return error_response(
                request, status=400, title="Bad request", message=NUMBER_TOO_LARGE
            )
        return None


NUMBER_TOO_LARGE = (
    "A number in the address is larger than any date or id can be. Nothing was changed."
)


def _holds_nul(request) -> bool:
    texts = [request.path_info]
    texts += [text for key, values in request.GET.lists() for text in (key, *values)]
    texts += [value for name, value in request.META.items() if name.startswith("HTTP_")]
    texts += list(request.COOKIES.values())
    if request.content_type == "application/x-www-form-urlencoded":
        texts += [text for key, values in request.POST.lists() for text in (key, *values)]
    return any("\x00" in text for text in texts if isinstance(text, str))
