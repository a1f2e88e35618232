"""Errors the API answers with: the model's own validation as 400 with field messages (the same
words as the admin), a forbidden transition as 409, never a 500 for bad input."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, transaction
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler

from agreements.services import TransitionNotAllowed


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        super().__init__(f"The request body is larger than the {limit:g} MiB this API accepts.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "That change is not allowed in the current state."
    default_code = "conflict"


def _still_referenced(error) -> str:
    objects = list(
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    )
    names = ", ".join(f"{obj._meta.verbose_name} “{obj}”" for obj in objects[:5])
    more = f" and {len(objects) - 5} more" if len(objects) > 5 else ""
    return f"It cannot be deleted while other records refer to it: {names}{more}."


def as_api_error(
    error: DjangoValidationError, *, rename: dict[str, str] | None = None
) -> exceptions.APIException:
    """Turn a model or service ValidationError into the API's answer; `rename` maps model field
    names to the API's where they differ."""
    if not hasattr(error, "error_dict"):
        detail = " ".join(error.messages)
        return (
            Conflict(detail)
            if isinstance(error, TransitionNotAllowed)
            else (exceptions.ValidationError({"non_field_errors": error.messages}))
        )
    rename = {"__all__": "non_field_errors", **(rename or {})}
    detail = {rename.get(field, field): messages for field, messages in error.message_dict.items()}
    if isinstance(error, TransitionNotAllowed):
        return Conflict(detail)
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = as_api_error(exc)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict(_still_referenced(exc))
    elif isinstance(exc, DataError):
        # A value PostgreSQL cannot store or compare (a NUL character, a number out of range):
        # the request's fault, and the atomic request has already been rolled back.
        exc = exceptions.ValidationError(
            {
                "detail": "The request holds a value the database cannot store (such as a NUL "
                "character or an out-of-range number)."
            }
        )
    response = drf_exception_handler(exc, context)
    if (
        isinstance(exc, exceptions.AuthenticationFailed)
        and transaction.get_connection().in_atomic_block
    ):
        # DRF rolls the request's transaction back on any error. A wrong token is refused before
        # the view writes anything, and the one write to keep is its count towards the
        # failed-token throttle, which a cache kept in this database (no CACHE_URL) writes in
        # the same transaction: rolled back, no address would ever be locked out.
        transaction.set_rollback(False)
    request = context.get("request")
    if response is not None and request is not None:
        # Errors are JSON even when the request asked for CSV: a CSV of messages helps nobody.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response
