from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from pghistory.apps import PGHistoryConfig


class AgreementsConfig(AppConfig):
    default = True  # two configs live here; "agreements" in INSTALLED_APPS means this one
    name = "agreements"
    verbose_name = "Agreements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The shared cache's table (settings.CACHES without CACHE_URL) is made by every
        # `migrate`, so the README's one command and the deployment's migrate step both have it.
        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(using, **kwargs):
    call_command("createcachetable", database=using, verbosity=0)


class AuditTrailConfig(PGHistoryConfig):
    """django-pghistory, named for the people who read it in the admin."""

    verbose_name = "Audit trail"
