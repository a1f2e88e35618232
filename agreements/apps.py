from django.apps import AppConfig
from pghistory.apps import PGHistoryConfig


class AgreementsConfig(AppConfig):
    # The default for "agreements" in INSTALLED_APPS (this module has two configs).
    default = True
    name = "agreements"
    verbose_name = "Agreements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete

        from agreements.documents.services import remove_file_when_deleted
        from agreements.models import Document

        # Storage housekeeping, not a rule: a deleted document's file leaves the storage too,
        # also when the document goes with its instrument or meeting.
        post_delete.connect(remove_file_when_deleted, sender=Document, dispatch_uid="document-file")


class AuditTrailConfig(PGHistoryConfig):
    """django-pghistory, named for the people who read it in the admin."""

    verbose_name = "Audit trail"
