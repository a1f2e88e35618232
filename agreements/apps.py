from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_delete, post_migrate
from pghistory.apps import PGHistoryConfig


class AgreementsConfig(AppConfig):
    # The default for "agreements" in INSTALLED_APPS (this module has two configs).
    default = True
    name = "agreements"
    verbose_name = "Agreements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from agreements.documents.services import remove_file_when_deleted
        from agreements.models import Document

        # Storage housekeeping, not a rule: a deleted document's file leaves the storage too,
        # also when the document goes with its instrument or meeting.
        post_delete.connect(remove_file_when_deleted, sender=Document, dispatch_uid="document-file")

        # The shared cache's table (settings.CACHES without CACHE_URL) is made by every
        # `migrate`, so the README's one command and the deployment's migrate step both have it.
        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(using, **kwargs):
    call_command("createcachetable", database=using, verbosity=0)


class AuditTrailConfig(PGHistoryConfig):
    """django-pghistory, named for the people who read it in the admin."""

    verbose_name = "Audit trail"
