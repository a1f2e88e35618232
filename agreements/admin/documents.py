"""The documents inline on the instrument and the meeting: analysts attach a file with its kind,
language and whether it is authentic; the file is checked by its content and its text read
through the documents' services; everyone who opens the page sees the extraction's outcome."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from agreements.documents import services
from agreements.documents.checking import check_upload
from agreements.models import Document


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["file", "kind", "language", "is_authentic"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A stored file is never replaced: its text and digest belong to it. Upload anew.
            self.fields["file"].disabled = True
            self.fields["file"].required = False
        self.checked = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.instance.pk or upload is None:
            return upload
        try:
            self.checked = check_upload(upload)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return upload


class DocumentFormSet(BaseInlineFormSet):
    """Saves through the services: a new row is checked, read and stored; a changed row changes
    only what is said about it; a deleted one leaves the storage after the commit."""

    user = None  # set per request by DocumentInline.get_formset

    def save_new(self, form, commit=True):
        owner = {"instrument": None, "meeting": None, self.fk.name: self.instance}
        return services.document_store(
            checked=form.checked,
            kind=form.cleaned_data["kind"],
            language=form.cleaned_data["language"],
            is_authentic=form.cleaned_data["is_authentic"],
            user=self.user,
            **owner,
        )

    def save_existing(self, form, obj, commit=True):
        return services.document_update(
            document=obj,
            kind=form.cleaned_data["kind"],
            language=form.cleaned_data["language"],
            is_authentic=form.cleaned_data["is_authentic"],
        )

    def delete_existing(self, obj, commit=True):
        if commit:
            services.document_delete(document=obj)


class DocumentInline(admin.TabularInline):
    model = Document
    form = DocumentForm
    formset = DocumentFormSet
    extra = 0
    fields = ["file", "kind", "language", "is_authentic", "details", "extraction_outcome"]
    readonly_fields = ["details", "extraction_outcome"]
    verbose_name_plural = "texts and documents (PDF, Word, HTML or plain text)"

    def get_queryset(self, request):
        # The text can be a book long; the inline shows only whether it was read.
        return super().get_queryset(request).defer("text", "search_vector")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})

    @admin.display(description="file")
    def details(self, document):
        if not document.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a><br>{}, {}',
            reverse("document-file", args=[document.pk]),
            document.original_name,
            document.get_file_format_display(),
            filesizeformat(document.size),
        )

    @admin.display(description="text")
    def extraction_outcome(self, document):
        if not document.pk:
            return "—"
        if document.extraction == Document.Extraction.EXTRACTED:
            return "Extracted, searchable"
        return f"Text not extracted: {document.extraction_note}"
