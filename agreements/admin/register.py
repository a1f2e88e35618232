"""*Import* and *Export* on the instruments' list: a register file is uploaded, previewed (rows it
would add, change and leave alone, and every problem by row and column), then imported all or
nothing on confirmation. Only those who may add and change instruments (analysts) import; anyone
who may see them exports."""

import csv
import secrets
import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from agreements.register.export import register_rows, register_xlsx
from agreements.register.files import FileRefused, max_bytes
from agreements.register.instruments import COLUMNS
from agreements.register.run import import_register

SESSION_KEY = "register_import"


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label="Register",
        help_text="A CSV file or an Excel workbook (.xlsx), its first row naming the columns "
        "(see docs/import.md).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                f"The file is {upload.size / 1_000_000:.1f} MB; the limit is "
                f"{max_bytes() / 1_000_000:.0f} MB. Split it into several files."
            )
        return upload


def _upload_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "bilateral-register-uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _held_upload(request) -> tuple[Path, str] | None:
    """The file this session uploaded for preview, if it is still there."""
    held = request.session.get(SESSION_KEY) or {}
    token = str(held.get("token", ""))
    if len(token) != 32 or not token.isalnum():
        return None
    path = _upload_folder() / f"{token}.upload"
    return (path, held.get("filename", "register")) if path.is_file() else None


def import_view(model_admin, request):
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    form = RegisterUploadForm()
    outcome = refusal = None
    if request.method == "POST" and "confirm" in request.POST:
        held = _held_upload(request)
        if held is None:
            messages.error(request, "The previewed file is no longer here: upload it again.")
            return redirect("admin:agreements_instrument_import")
        path, filename = held
        try:
            outcome = import_register(path, filename=filename, dry_run=False, user=request.user)
        except FileRefused as error:
            refusal = f"{filename}: {error}"
        if outcome and outcome.written:
            path.unlink(missing_ok=True)
            del request.session[SESSION_KEY]
            messages.success(request, outcome.summary)
            return redirect("admin:agreements_instrument_changelist")
    elif request.method == "POST":
        form = RegisterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            token = secrets.token_hex(16)
            path = _upload_folder() / f"{token}.upload"
            with path.open("wb") as out:
                for chunk in form.cleaned_data["file"].chunks():
                    out.write(chunk)
            filename = Path(form.cleaned_data["file"].name).name
            previous = _held_upload(request)
            if previous:
                previous[0].unlink(missing_ok=True)
            request.session[SESSION_KEY] = {"token": token, "filename": filename}
            try:
                outcome = import_register(path, filename=filename, dry_run=True)
            except FileRefused as error:
                refusal = f"{filename}: {error}"
                path.unlink(missing_ok=True)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import a register of instruments",
        "opts": model_admin.opts,
        "form": form,
        "outcome": outcome,
        "refusal": refusal,
        "columns": COLUMNS,
        "has_view_permission": True,
    }
    return TemplateResponse(request, "admin/agreements/instrument/import.html", context)


def export_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            register_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="instruments.xlsx"'
        return response
    response = StreamingHttpResponse(_csv_lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="instruments.csv"'
    return response


class _Echo:
    def write(self, value):
        return value


def _csv_lines():
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in register_rows():
        yield writer.writerow(row)
