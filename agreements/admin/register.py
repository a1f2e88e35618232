"""*Import* and *Export* on the lists of instruments, meetings, follow-ups, organizations and
people (`RegisterAdmin`): a register file is uploaded, previewed (rows it would add, change and
leave alone, and every problem by row and column), then imported all or nothing on
confirmation. Only those who may add and change that kind of record (analysts) import; anyone
who may see them exports."""

import secrets
import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_safe

from agreements.register.export import register_csv_lines, register_xlsx
from agreements.register.files import FileRefused, max_bytes
from agreements.register.kinds import KINDS
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


def _held_upload(request, kind: str | None = None) -> tuple[Path, str] | None:
    """The file this session uploaded for preview (of this kind), if it is still there."""
    held = request.session.get(SESSION_KEY) or {}
    if kind is not None and held.get("kind") != kind:
        return None
    token = str(held.get("token", ""))
    if len(token) != 32 or not token.isalnum():
        return None
    path = _upload_folder() / f"{token}.upload"
    return (path, held.get("filename", "register")) if path.is_file() else None


class RegisterAdmin(admin.ModelAdmin):
    """A list with *Import* and *Export* of its register (`register_kind`, a key of KINDS)."""

    register_kind = ""
    change_list_template = "admin/agreements/register_change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{name}_import"),
            path(
                "export/",
                self.admin_site.admin_view(require_safe(self.export_view)),
                name=f"{name}_export",
            ),
            *super().get_urls(),
        ]

    def may_import(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.may_import(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        return import_view(self, request)

    def export_view(self, request):
        return export_view(self, request)


def import_view(model_admin, request):
    if not model_admin.may_import(request):
        raise PermissionDenied
    kind = KINDS[model_admin.register_kind]
    import_url = f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_import"
    form = RegisterUploadForm()
    outcome = refusal = None
    if request.method == "POST" and "confirm" in request.POST:
        held = _held_upload(request, kind.name)
        if held is None:
            messages.error(request, "The previewed file is no longer here: upload it again.")
            return redirect(import_url)
        path, filename = held
        try:
            outcome = import_register(
                path, filename=filename, dry_run=False, kind=kind.name, user=request.user
            )
        except FileRefused as error:
            refusal = f"{filename}: {error}"
        if outcome and outcome.written:
            path.unlink(missing_ok=True)
            del request.session[SESSION_KEY]
            messages.success(request, outcome.summary)
            return redirect(
                f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist"
            )
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
            request.session[SESSION_KEY] = {"token": token, "filename": filename, "kind": kind.name}
            try:
                outcome = import_register(path, filename=filename, dry_run=True, kind=kind.name)
            except FileRefused as error:
                refusal = f"{filename}: {error}"
                path.unlink(missing_ok=True)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Import a register of {kind.plural}",
        "opts": model_admin.opts,
        "form": form,
        "outcome": outcome,
        "refusal": refusal,
        "columns": kind.columns,
        "has_view_permission": True,
    }
    return TemplateResponse(request, "admin/agreements/register_import.html", context)


def export_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    kind = model_admin.register_kind
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            register_xlsx(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}.xlsx"'
        return response
    response = StreamingHttpResponse(
        register_csv_lines(kind), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response
