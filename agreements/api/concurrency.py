"""Optimistic concurrency: detail responses carry an ETag of what they show; a PUT or PATCH whose
If-Match names another version answers 412 and changes nothing, so two analysts never overwrite
each other silently."""

import hashlib
import json

from rest_framework import status
from rest_framework.exceptions import APIException


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "This record has changed since you read it (If-Match does not match its ETag). "
        "Read it again and re-apply your change."
    )
    default_code = "precondition_failed"


def etag_of(data) -> str:
    body = json.dumps(data, sort_keys=True, default=str).encode()
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


class ETagMixin:
    """For ModelViewSets: ETag on retrieve and update; If-Match checked under a row lock."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_of(response.data)
        return response

    def update(self, request, *args, **kwargs):
        # Writers of one row queue here (the request is one transaction); the second then reads
        # the first's version, and its If-Match no longer matches.
        instance = self.get_object()  # 404 for an unknown or malformed id
        type(instance).objects.select_for_update().filter(pk=instance.pk).first()
        if_match = request.headers.get("If-Match")
        if if_match:
            current = etag_of(self.get_serializer(self.get_object()).data)
            wanted = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
            if "*" not in wanted and current not in wanted:
                raise PreconditionFailed()
        response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_of(response.data)
        return response
