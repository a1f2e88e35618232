"""The request id: taken from the proxy's X-Request-ID header when it sends a sane one, made up
otherwise; sent back in the response, written on every log line and into the audit trail."""

import contextvars
import logging
import re
import uuid

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
