"""The audit trail: who changed what, when, and from which request.

django-pghistory's triggers (`agreements/models/audit_trail.py`) copy every inserted, updated and
deleted row into an event table. This module attaches the context of each write (user, API
token, request id, URL, or the management command) and reads an object's events back for the
admin and the API.
"""

import pghistory
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from pghistory.admin import EventsAdmin
from pghistory.admin.core import _get_obj
from pghistory.middleware import HistoryMiddleware, WSGIRequest
from pghistory.models import Events

from bilateral.views import error_response

# Which event tables make up an object's history: its own rows and those of its parts.
PARTS = {
    "Instrument": [
        "Instrument",
        "InstrumentSectors",
        "InstrumentSubjects",
        "InstrumentSources",
        "InstrumentParty",
        "PartyAction",
        "InstrumentLink",
        "StatusChange",
        "Document",
    ],
    "Meeting": [
        "Meeting",
        "MeetingStates",
        "MeetingPeople",
        "MeetingOrganizations",
        "MeetingSectors",
        "MeetingSources",
        "Document",
    ],
    "FollowUpAction": [
        "FollowUpAction",
        "FollowUpActionSectors",
        "FollowUpActionSources",
        "ActionUpdate",
    ],
    "Indicator": ["Indicator", "IndicatorSources"],
}

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
TOKEN_ID_LENGTH = 16


class AuditedRequest(WSGIRequest):
    """pghistory's request records the user when authentication sets it (DRF does so in the view,
    after the middleware); this one also records which API token it was."""

    def __setattr__(self, attr, value):
        if attr == "auth" and getattr(value, "digest", None):
            pghistory.context(token=token_id(value))
        super().__setattr__(attr, value)


def token_id(token) -> str:
    """Which API token it was, for the audit trail that every reader sees: the start of the
    token's digest, its id in the admin (*Auth tokens*, searchable). Not knox's `token_key`,
    which is the first characters of the secret key itself."""
    return token.digest[:TOKEN_ID_LENGTH]


class AuditContextMiddleware(HistoryMiddleware):
    """Groups the events of one write request under one context: user, token, method, URL and
    the request id that is also in the logs and the X-Request-ID header."""

    def get_context(self, request):
        return {
            **super().get_context(request),
            "method": request.method,
            "request_id": getattr(request, "id", ""),
        }

    def __call__(self, request):
        if request.method in READ_ONLY_METHODS:
            return self.get_response(request)
        with pghistory.context(**self.get_context(request)):
            request.__class__ = AuditedRequest
            return self.get_response(request)


def command_context(name: str):
    """The context for writes made by a management command."""
    return pghistory.context(command=name)


def event_model(model_name: str) -> type[models.Model]:
    """The event table django-pghistory keeps for a model ("Instrument" → InstrumentEvent)."""
    return apps.get_model("agreements", f"{model_name}Event")


def last_known_pk(model: type[models.Model], field: str, value: str):
    """The id of the object whose `field` was `value`, from the audit trail, so that an object
    deleted since is found too. None if no such object was ever recorded."""
    if field == "pk":
        field = model._meta.pk.name
    try:
        return (
            event_model(model.__name__)
            .objects.filter(**{field: value})
            .order_by("-pgh_id")
            .values_list("pgh_obj_id", flat=True)
            .first()
        )
    except (ValueError, TypeError):
        return None


def events_of(model: type[models.Model], pk) -> list[dict]:
    """Every event of the object and its parts, oldest first, with who made it."""
    names = PARTS.get(model.__name__, [model.__name__])
    event_models = [event_model(name) for name in names]
    rows = list(
        Events.objects.across(*event_models)
        .references(model(pk=pk))
        .order_by("pgh_created_at", "pgh_model", "pgh_id")
    )
    user_ids = {(row.pgh_context or {}).get("user") for row in rows} - {None}
    usernames = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    return [_describe(row, usernames) for row in rows]


def _describe(row, usernames: dict) -> dict:
    context = row.pgh_context or {}
    tracked = apps.get_model(row.pgh_obj_model)
    user_id = context.get("user")
    return {
        "id": row.pgh_slug,
        "at": row.pgh_created_at,
        "action": row.pgh_label,
        "object_type": str(tracked._meta.verbose_name),
        "object_id": row.pgh_obj_id,
        "data": row.pgh_data,
        "changes": row.pgh_diff or {},
        "user": usernames.get(user_id, user_id),
        "token": context.get("token", ""),
        "command": context.get("command", ""),
        "import_file": context.get("import_file", ""),
        "method": context.get("method", ""),
        "url": context.get("url", ""),
        "request_id": context.get("request_id", ""),
    }


def is_same_site_path(url: str) -> bool:
    """Whether `url` is a path on this site ("/admin/..."), not a scheme or another host."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def _names_a_model(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


def _names_an_object(value: str) -> bool:
    """Whether `value` is "app.Model:id" with an id of the right type for that model."""
    label, _, pk = value.partition(":")
    try:
        model = apps.get_model(label)
        model._meta.pk.to_python(pk)
    except (LookupError, ValueError, ValidationError):
        return False
    return bool(pk)


class AuditEventsAdmin(EventsAdmin):
    """pghistory's events page, in plain words, and also for an object deleted since: its
    events stay readable."""

    # pghistory's change list cannot count facets (`?_facets=` was a 500).
    show_facets = admin.ShowFacets.NEVER

    def get_list_display(self, request):
        return ["when", "action", "what", "changes", "who", "where"]

    @admin.display(description="when", ordering="pgh_created_at")
    def when(self, event):
        return event.pgh_created_at

    @admin.display(description="action", ordering="pgh_label")
    def action(self, event):
        return event.pgh_label

    @admin.display(description="object")
    def what(self, event):
        tracked = apps.get_model(event.pgh_obj_model)
        return f"{tracked._meta.verbose_name} {event.pgh_obj_id}"

    @admin.display(description="changes (before → after)")
    def changes(self, event):
        if not event.pgh_diff:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} → {}",
            ((field, before, after) for field, (before, after) in event.pgh_diff.items()),
        )

    @admin.display(description="who")
    def who(self, event):
        context = event.pgh_context or {}
        who = f"command {context['command']}" if context.get("command") else event.user or "—"
        if context.get("import_file"):
            return f"{who}, importing the register {context['import_file']}"
        return who

    @admin.display(description="from")
    def where(self, event):
        context = event.pgh_context or {}
        return " ".join(filter(None, [context.get("method"), context.get("url")])) or "—"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "title": "Audit trail"}
        event_model = request.GET.get("event_model")
        if event_model is not None and not _names_a_model(event_model):
            # pghistory would look the model up as given: "event_model=x" was a 500.
            return error_response(
                request,
                status=404,
                title="Not found",
                message=f"No such object in the audit trail: {event_model!r} is not an "
                "app.Model name.",
            )
        if "obj" in request.GET and not _names_an_object(request.GET["obj"]):
            # pghistory would look the id up as given: "Instrument:abc" was a 500.
            return error_response(
                request,
                status=404,
                title="Not found",
                message=f"No such object in the audit trail: {request.GET['obj']!r} is not "
                "an app.Model:id pair of a recorded model.",
            )
        obj = _get_obj(request.GET.get("obj"))
        if obj is not None and not type(obj).objects.filter(pk=obj.pk).exists():
            extra_context["subtitle"] = f"{obj._meta.verbose_name} {obj.pk} (deleted)"
            return admin.ModelAdmin.changelist_view(self, request, extra_context)
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data"):
            # pghistory's view puts its model's name in the title, over the one given to it.
            response.context_data["title"] = "Audit trail"
            # and links "Back" to whatever `back=` says: javascript:, another site.
            if not is_same_site_path(response.context_data.get("pgh_back", "")):
                response.context_data.pop("pgh_back", None)
        return response
