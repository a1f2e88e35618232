"""Who may do what, everywhere: every page and API endpoint × every role × every method, from one
table. A URL that has no row fails `test_every_url_has_a_row`.

Each cell lists the outcome for: anonymous, consumer, manager, analyst, superuser.
  L  asked to log in (the API: 401; a page: redirect to the login form)
  F  forbidden (403)
  M  method not allowed (405)
  N  not found (404): the calendar's secret URL with a wrong secret
  Y  let through: the request is served, or refused for what it says (400, 409), never for who
     sent it
Pages and the admin are visited with a session, the API with a token (both work for the API).
"""

import datetime
import itertools

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from knox.models import AuthToken
from rest_framework.test import APIClient

from agreements.calendar import calendar_token
from agreements.documents.services import document_attach
from agreements.models import (
    Change,
    Indicator,
    Meeting,
    MeetingSeries,
    Organization,
    Person,
    Sector,
    Source,
    Subject,
)
from tests.factories import UserFactory, make_action, make_instrument

ROLES = ["anonymous", "consumer", "manager", "analyst", "superuser"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

SAFE = {"GET": "LYYYY", "POST": "MMMMM", "PUT": "MMMMM", "PATCH": "MMMMM", "DELETE": "MMMMM"}
OPEN = {"GET": "YYYYY", "POST": "MMMMM", "PUT": "MMMMM", "PATCH": "MMMMM", "DELETE": "MMMMM"}
READ_ONLY_API = {
    "GET": "LYYYY",
    "POST": "LMMMM",
    "PUT": "LMMMM",
    "PATCH": "LMMMM",
    "DELETE": "LMMMM",
}
ANALYSTS_WRITE_LIST = {
    "GET": "LYYYY",
    "POST": "LFFYY",
    "PUT": "LFFMM",
    "PATCH": "LFFMM",
    "DELETE": "LFFMM",
}
ANALYSTS_WRITE_DETAIL = {
    "GET": "LYYYY",
    "POST": "LFFMM",
    "PUT": "LFFYY",
    "PATCH": "LFFYY",
    "DELETE": "LFFYY",
}
ANALYSTS_AUDIT = {
    "GET": "LYYYY",
    "POST": "LFFMM",
    "PUT": "LFFMM",
    "PATCH": "LFFMM",
    "DELETE": "LFFMM",
}
STATES_ONLY_SUPERUSER = {
    "GET": "LYYYY",
    "POST": "LFFFM",
    "PUT": "LFFFM",
    "PATCH": "LFFFM",
    "DELETE": "LFFFM",
}

# URL name: (path, {method: outcomes})
MATRIX = {
    # The managers' pages
    "home": ("/", SAFE),
    "follow-up-board": ("/follow-ups/", SAFE),
    # Managers and analysts move a follow-up on from its page; consumers only read it
    "follow-up-page": ("/follow-ups/{action}/", {**SAFE, "POST": "LFYYY"}),
    "instrument-page": ("/instruments/{instrument}/", SAFE),
    "meeting-page": ("/meetings/{meeting}/", SAFE),
    "relationship": ("/relations/KZ-IL/", SAFE),
    "relationship-brief": ("/relations/KZ-IL/brief/", SAFE),
    "search": ("/search/?q=visa", SAFE),
    # A document's file: every role reads it
    "document-file": ("/documents/{document}/file/", SAFE),
    # Intake: analysts draft a report and record it; a form refused for what it says is a 200
    "intake": (
        "/intake/",
        {"GET": "LFFYY", "POST": "LFFYY", "PUT": "MMMMM", "PATCH": "MMMMM", "DELETE": "MMMMM"},
    ),
    "intake-record": (
        "/intake/record/",
        {"GET": "MMMMM", "POST": "LFFYY", "PUT": "MMMMM", "PATCH": "MMMMM", "DELETE": "MMMMM"},
    ),
    "radar": ("/radar/", SAFE),
    "coverage": ("/coverage/?state=KZ", SAFE),
    "calendar": ("/calendar/{calendar}.ics", {**SAFE, "GET": "NYYYY"}),
    "calendar-pair": ("/calendar/{calendar}/KZ-IL.ics", {**SAFE, "GET": "NYYYY"}),
    # Health checks: for load balancers, no login
    "healthz": ("/healthz", OPEN),
    "readyz": ("/readyz", OPEN),
    # The API's description
    "api-root": ("/api/v1/", READ_ONLY_API),
    "schema": ("/api/schema/", READ_ONLY_API),
    "api-docs": ("/api/docs/", READ_ONLY_API),
    "change-list": ("/api/v1/changes/", READ_ONLY_API),
    "radar-list": ("/api/v1/radar/", READ_ONLY_API),
    # Reference data
    "state-list": ("/api/v1/states/", STATES_ONLY_SUPERUSER),
    "state-detail": ("/api/v1/states/KZ/", STATES_ONLY_SUPERUSER),
    "state-audit": ("/api/v1/states/KZ/audit/", STATES_ONLY_SUPERUSER),
    "sector-list": ("/api/v1/sectors/", ANALYSTS_WRITE_LIST),
    "sector-detail": ("/api/v1/sectors/{sector}/", ANALYSTS_WRITE_DETAIL),
    "sector-audit": ("/api/v1/sectors/{sector}/audit/", ANALYSTS_AUDIT),
    "subject-list": ("/api/v1/subjects/", ANALYSTS_WRITE_LIST),
    "subject-detail": ("/api/v1/subjects/{subject}/", ANALYSTS_WRITE_DETAIL),
    "subject-audit": ("/api/v1/subjects/{subject}/audit/", ANALYSTS_AUDIT),
    "organization-list": ("/api/v1/organizations/", ANALYSTS_WRITE_LIST),
    "organization-detail": ("/api/v1/organizations/{organization}/", ANALYSTS_WRITE_DETAIL),
    "organization-audit": ("/api/v1/organizations/{organization}/audit/", ANALYSTS_AUDIT),
    "person-list": ("/api/v1/people/", ANALYSTS_WRITE_LIST),
    "person-detail": ("/api/v1/people/{person}/", ANALYSTS_WRITE_DETAIL),
    "person-audit": ("/api/v1/people/{person}/audit/", ANALYSTS_AUDIT),
    "source-list": ("/api/v1/sources/", ANALYSTS_WRITE_LIST),
    "source-detail": ("/api/v1/sources/{source}/", ANALYSTS_WRITE_DETAIL),
    "source-audit": ("/api/v1/sources/{source}/audit/", ANALYSTS_AUDIT),
    "indicator-list": ("/api/v1/indicators/", ANALYSTS_WRITE_LIST),
    "indicator-detail": ("/api/v1/indicators/{indicator}/", ANALYSTS_WRITE_DETAIL),
    "indicator-audit": ("/api/v1/indicators/{indicator}/audit/", ANALYSTS_AUDIT),
    # Instruments and meetings: analysts write
    "instrument-list": ("/api/v1/instruments/", ANALYSTS_WRITE_LIST),
    "instrument-detail": ("/api/v1/instruments/{instrument}/", ANALYSTS_WRITE_DETAIL),
    "instrument-audit": ("/api/v1/instruments/{instrument}/audit/", ANALYSTS_AUDIT),
    "instrument-history": ("/api/v1/instruments/{instrument}/history/", ANALYSTS_AUDIT),
    "instrument-party-actions": (
        "/api/v1/instruments/{instrument}/party-actions/",
        ANALYSTS_WRITE_LIST,
    ),
    "instrument-transition": (
        "/api/v1/instruments/{instrument}/transition/",
        {**ANALYSTS_WRITE_LIST, "GET": "LMMMM"},
    ),
    # Intake: drafting a report writes nothing, but only those who may record it may ask
    "draft": ("/api/v1/drafts/", {**ANALYSTS_AUDIT, "GET": "LMMMM", "POST": "LFFYY"}),
    "meeting-list": ("/api/v1/meetings/", ANALYSTS_WRITE_LIST),
    "series-list": ("/api/v1/meeting-series/", ANALYSTS_WRITE_LIST),
    "series-detail": ("/api/v1/meeting-series/{series}/", ANALYSTS_WRITE_DETAIL),
    "series-audit": ("/api/v1/meeting-series/{series}/audit/", ANALYSTS_AUDIT),
    "meeting-detail": ("/api/v1/meetings/{meeting}/", ANALYSTS_WRITE_DETAIL),
    "meeting-audit": ("/api/v1/meetings/{meeting}/audit/", ANALYSTS_AUDIT),
    # Documents: every role reads and downloads them; analysts upload, describe and delete them
    "document-list": ("/api/v1/documents/", ANALYSTS_WRITE_LIST),
    "document-detail": ("/api/v1/documents/{document}/", {**ANALYSTS_WRITE_DETAIL, "PUT": "LFFMM"}),
    "document-audit": ("/api/v1/documents/{document}/audit/", ANALYSTS_AUDIT),
    "document-download": ("/api/v1/documents/{document}/download/", ANALYSTS_AUDIT),
    # Follow-ups: managers may change them and add progress updates, not create or delete them
    "action-list": ("/api/v1/actions/", {**ANALYSTS_WRITE_LIST, "PUT": "LFMMM", "PATCH": "LFMMM"}),
    "action-detail": (
        "/api/v1/actions/{action}/",
        {**ANALYSTS_WRITE_DETAIL, "PUT": "LFYYY", "PATCH": "LFYYY"},
    ),
    "action-audit": (
        "/api/v1/actions/{action}/audit/",
        {**ANALYSTS_AUDIT, "PUT": "LFMMM", "PATCH": "LFMMM"},
    ),
    "action-updates": (
        "/api/v1/actions/{action}/updates/",
        {**ANALYSTS_WRITE_LIST, "POST": "LFYYY"},
    ),
    # The admin's own pages (its model pages are in ADMIN_MODELS below). Django's admin serves
    # its index to any method; a page it serves only by GET answers 405 to the rest.
    "admin:index": ("/admin/", dict.fromkeys(METHODS, "LYYYY")),
    "admin:app_list": ("/admin/agreements/", dict.fromkeys(METHODS, "LYYYY")),
    "admin:login": ("/admin/login/", {"GET": "YYYYY", "POST": "YYYYY"}),
    "admin:logout": ("/admin/logout/", {"GET": "YMMMM", "POST": "YYYYY"}),
    "admin:password_change": ("/admin/password_change/", {"GET": "LYYYY", "POST": "LYYYY"}),
    "admin:password_change_done": ("/admin/password_change/done/", READ_ONLY_API),
    "admin:auth_user_password_change": (
        "/admin/auth/user/{someone}/password/",
        {"GET": "LFFFY", "POST": "LFFFY"},
    ),
    "admin:autocomplete": ("/admin/autocomplete/", {**READ_ONLY_API, "GET": "LFFFF"}),
    "admin:jsi18n": ("/admin/jsi18n/", {"GET": "LYYYY", "POST": "LMMMM"}),
    # Importing a register writes its records: analysts only (managers, who may change
    # follow-ups, may not add them, so may not import them); exporting it reads them.
    "admin:agreements_instrument_import": (
        "/admin/agreements/instrument/import/",
        {"GET": "LFFYY", "POST": "LFFYY"},
    ),
    "admin:agreements_instrument_export": (
        "/admin/agreements/instrument/export/",
        {"GET": "LYYYY", "POST": "LMMMM"},
    ),
    "admin:agreements_meeting_import": (
        "/admin/agreements/meeting/import/",
        {"GET": "LFFYY", "POST": "LFFYY"},
    ),
    "admin:agreements_meeting_export": (
        "/admin/agreements/meeting/export/",
        {"GET": "LYYYY", "POST": "LMMMM"},
    ),
    "admin:agreements_followupaction_import": (
        "/admin/agreements/followupaction/import/",
        {"GET": "LFFYY", "POST": "LFFYY"},
    ),
    "admin:agreements_followupaction_export": (
        "/admin/agreements/followupaction/export/",
        {"GET": "LYYYY", "POST": "LMMMM"},
    ),
    "admin:agreements_organization_import": (
        "/admin/agreements/organization/import/",
        {"GET": "LFFYY", "POST": "LFFYY"},
    ),
    "admin:agreements_organization_export": (
        "/admin/agreements/organization/export/",
        {"GET": "LYYYY", "POST": "LMMMM"},
    ),
    "admin:agreements_person_import": (
        "/admin/agreements/person/import/",
        {"GET": "LFFYY", "POST": "LFFYY"},
    ),
    "admin:agreements_person_export": (
        "/admin/agreements/person/export/",
        {"GET": "LYYYY", "POST": "LMMMM"},
    ),
    "admin:agreements_instrument_transition": (
        "/admin/agreements/instrument/{instrument}/status/",
        {"GET": "LFFYY", "POST": "LFFYY"},
    ),
    "admin:agreements_instrument_correct": (
        "/admin/agreements/instrument/{instrument}/correct/",
        {"GET": "LFFYY", "POST": "LFFYY"},
    ),
}

# Every model in the admin: who may open its list and its "add" form.
ADMIN_MODELS = {
    "agreements.state": ("LYYYY", "LFFFF"),  # ISO 3166-1 is loaded, not typed in
    "agreements.sector": ("LYYYY", "LFFYY"),
    "agreements.subject": ("LYYYY", "LFFYY"),
    "agreements.organization": ("LYYYY", "LFFYY"),
    "agreements.person": ("LYYYY", "LFFYY"),
    "agreements.source": ("LYYYY", "LFFYY"),
    "agreements.meeting": ("LYYYY", "LFFYY"),
    "agreements.meetingseries": ("LYYYY", "LFFYY"),
    "agreements.instrument": ("LYYYY", "LFFYY"),
    "agreements.followupaction": ("LYYYY", "LFFYY"),
    "agreements.indicator": ("LYYYY", "LFFYY"),
    # The audit trail: analysts and managers read it; nobody writes it
    "pghistory.middlewareevents": ("LFYYY", "LFFFF"),
    # Accounts, tokens and login attempts: the superuser's business
    "auth.user": ("LFFFY", "LFFFY"),
    "auth.group": ("LFFFY", "LFFFY"),
    "knox.authtoken": ("LFFFY", "LFFFY"),
    "axes.accessattempt": ("LFFFY", "LFFFF"),
    "axes.accessfailurelog": ("LFFFY", "LFFFF"),
    "axes.accesslog": ("LFFFY", "LFFFF"),
}

# URLs that are not pages of their own.
NOT_PAGES = {"admin:view_on_site"}  # a redirect to the object's page, for each admin model


def all_url_names(patterns=None, namespace=""):
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def admin_model_url_names():
    names = set()
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        names |= {
            f"{prefix}_{view}" for view in ("changelist", "add", "change", "delete", "history")
        }
    return names


def test_every_url_has_a_row():
    admin_labels = {model._meta.label_lower for model in admin.site._registry}

    unlisted = all_url_names() - set(MATRIX) - admin_model_url_names() - NOT_PAGES
    extra_rows = set(MATRIX) - all_url_names()

    assert unlisted == set()
    assert extra_rows == set()
    assert admin_labels == set(ADMIN_MODELS)


SERIAL = itertools.count(1)


class World:
    """The objects the URLs point at, made once per request so that a DELETE harms no other."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, name):
        if name == "instrument":
            return make_instrument().pk
        if name == "meeting":
            return Meeting.objects.create(title="Call", kind="call", starts_on="2026-01-01").pk
        if name == "subject":
            return Subject.objects.create(
                slug=f"subject-{next(SERIAL)}", name=f"Subject {next(SERIAL)}"
            ).slug
        if name == "series":
            return MeetingSeries.objects.create(
                title="Consultations",
                kind="political_consultations",
                state_a_id="IL",
                state_b_id="KZ",
            ).pk
        if name == "action":
            return make_action().pk
        if name == "document":
            return document_attach(
                upload=SimpleUploadedFile("note.txt", b"A note verbale."),
                instrument=make_instrument(),
                language="en",
            ).pk
        if name == "sector":
            return Sector.objects.create(
                slug=f"sector-{next(SERIAL)}", name=f"S{next(SERIAL)}"
            ).slug
        if name == "organization":
            return Organization.objects.create(name=f"Ministry {next(SERIAL)}", state_id="KZ").pk
        if name == "person":
            return Person.objects.create(name="A. Person").pk
        if name == "source":
            return Source.objects.create(title="Note").pk
        if name == "indicator":
            return Indicator.objects.create(
                state_a_id="IL",
                state_b_id="KZ",
                metric=f"exports {next(SERIAL)}",
                period_start=datetime.date(2025, 1, 1),
                period_end=datetime.date(2025, 12, 31),
                value=1,
                unit="USD",
            ).pk
        if name == "someone":
            return UserFactory().pk
        if name == "calendar":
            return calendar_token(self.user) if self.user else "not-a-secret"
        raise KeyError(name)


def make_user(role):
    if role == "anonymous":
        return None
    if role == "superuser":
        return UserFactory(is_superuser=True)
    return UserFactory(role=role)


def outcome(response, api: bool) -> str:
    status = response.status_code
    if status == 401 or (not api and status == 302 and "/admin/login/" in response["Location"]):
        return "L"
    codes = {403: "F", 405: "M", 404: "N"}
    if status in codes:
        return codes[status]
    assert status < 500, response.content[:500]
    return "Y"


def request(user, method, path):
    api = path.startswith("/api/")
    client = APIClient()
    if user and api:
        _, key = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    elif user:
        client.force_login(user)
    response = getattr(client, method.lower())(path, {}, format="json" if api else None)
    return outcome(response, api)


def cells():
    for name, (path, by_method) in MATRIX.items():
        for method in METHODS:
            if method in by_method:
                yield pytest.param(path, method, by_method[method], id=f"{name}-{method}")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method", "expected"), list(cells()))
def test_matrix(path, method, expected, fast_token_hashing):
    got = ""
    for role in ROLES:
        user = make_user(role)
        url = path.format_map(World(user))
        writes_before = Change.objects.count()
        outcome = request(user, method, url)
        got += outcome
        if outcome != "Y":
            # Refused: nothing was written (the changes feed records every write to the data).
            assert Change.objects.count() == writes_before, (role, method, url)
    assert got == expected


def admin_cells():
    for label, (changelist, add) in ADMIN_MODELS.items():
        app_label, model_name = label.split(".")
        yield pytest.param(f"/admin/{app_label}/{model_name}/", changelist, id=f"{label}-list")
        yield pytest.param(f"/admin/{app_label}/{model_name}/add/", add, id=f"{label}-add")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "expected"), list(admin_cells()))
def test_admin_matrix(path, expected):
    assert "".join(request(make_user(role), "GET", path) for role in ROLES) == expected
