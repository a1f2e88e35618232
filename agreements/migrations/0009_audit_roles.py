"""Analysts and managers may read the audit trail in the admin ("Events" on every change form)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["analyst", "manager"]
CODENAMES = ["view_events", "view_middlewareevents"]


def grant(apps, schema_editor):
    pghistory = apps.get_app_config("pghistory")
    pghistory.models_module = True
    create_permissions(pghistory, apps=apps, verbosity=0)
    pghistory.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="pghistory", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="pghistory", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0008_changes_feed_from_audit_trail"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
