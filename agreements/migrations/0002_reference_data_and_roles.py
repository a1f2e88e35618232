"""Load every ISO 3166-1 state (from pycountry), the controlled list of sectors, and the three roles.

The roles are groups of model permissions; the admin and the API both read them:
- analyst: add, change and delete everything but the states (which come from ISO 3166-1);
- manager: view everything, and update follow-up actions and their progress;
- consumer: view everything, change nothing.
"""

import pycountry
from django.contrib.auth.management import create_permissions
from django.db import migrations

SECTORS = [
    ("high-tech-agriculture", "High-tech agriculture"),
    ("water-resource-management", "Water-resource management"),
    ("digital-technologies-ai", "Digital technologies and AI"),
    ("infrastructure-logistics", "Infrastructure and logistics"),
    ("energy-efficiency-renewables", "Energy efficiency and renewables"),
    ("healthcare-pharmaceuticals", "Healthcare and pharmaceuticals"),
    ("diplomatic-training", "Diplomatic training"),
    ("public-diplomacy", "Public diplomacy"),
    ("visas-consular-affairs", "Visas and consular affairs"),
    ("trade-investment", "Trade and investment"),
    ("culture-remembrance", "Culture and remembrance"),
]

DOMAIN_MODELS = [
    "organization",
    "person",
    "sector",
    "source",
    "meeting",
    "instrument",
    "instrumentparty",
    "partyaction",
    "instrumentlink",
    "statuschange",
    "followupaction",
    "actionupdate",
    "indicator",
]


def load_states(apps, schema_editor):
    State = apps.get_model("agreements", "State")
    State.objects.bulk_create(
        [
            State(
                code=country.alpha_2,
                name=getattr(country, "common_name", None) or country.name,
                official_name=getattr(country, "official_name", None) or "",
            )
            for country in pycountry.countries
        ],
        ignore_conflicts=True,
    )


def load_sectors(apps, schema_editor):
    Sector = apps.get_model("agreements", "Sector")
    for slug, name in SECTORS:
        Sector.objects.get_or_create(slug=slug, defaults={"name": name})


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_perms = Permission.objects.filter(content_type__app_label="agreements")

    def codenames(actions, models):
        return [f"{action}_{model}" for action in actions for model in models]

    view_all = codenames(["view"], DOMAIN_MODELS + ["state"])
    roles = {
        "analyst": view_all + codenames(["add", "change", "delete"], DOMAIN_MODELS),
        "manager": view_all + ["change_followupaction", "add_actionupdate"],
        "consumer": view_all,
    }
    for name, wanted in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(app_perms.filter(codename__in=wanted))


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(load_states, migrations.RunPython.noop),
        migrations.RunPython(load_sectors, migrations.RunPython.noop),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
