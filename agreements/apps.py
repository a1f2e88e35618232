from django.apps import AppConfig
from pghistory.apps import PGHistoryConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"
    default_auto_field = "django.db.models.BigAutoField"


class AuditTrailConfig(PGHistoryConfig):
    """django-pghistory, named for the people who read it in the admin."""

    verbose_name = "Audit trail"
