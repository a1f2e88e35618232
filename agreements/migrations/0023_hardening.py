"""Issue 13: every date people enter is bounded (the calendar's day-after overflowed), and the
audit trail names a token by its id, no longer by the first characters of its key."""

import agreements.models.dates
from django.db import migrations, models


def token_ids_for_key_prefixes(apps, schema_editor):
    """Contexts recorded before now hold knox's `token_key` (the key's first characters): put the
    token's id in their place (`agreements.audit_events.token_id`), or say it is gone."""
    Context = apps.get_model("pghistory", "Context")
    AuthToken = apps.get_model("knox", "AuthToken")
    digests = dict(AuthToken.objects.values_list("token_key", "digest"))
    for context in Context.objects.filter(metadata__has_key="token").iterator():
        key = context.metadata["token"]
        if not key:
            continue
        digest = digests.get(key)
        context.metadata["token"] = digest[:16] if digest else "a token deleted since"
        context.save(update_fields=["metadata"])


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0022_instrument_reference'),
        ('knox', '0009_extend_authtoken_field'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        migrations.AlterField(
            model_name='actionupdate',
            name='happened_on',
            field=models.DateField(default=agreements.models.dates.today, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='actionupdateevent',
            name='happened_on',
            field=models.DateField(default=agreements.models.dates.today, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='followupaction',
            name='agreed_on',
            field=models.DateField(default=agreements.models.dates.today, help_text='When it was promised.', validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='followupaction',
            name='due_on',
            field=models.DateField(blank=True, null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='followupactionevent',
            name='agreed_on',
            field=models.DateField(default=agreements.models.dates.today, help_text='When it was promised.', validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='followupactionevent',
            name='due_on',
            field=models.DateField(blank=True, null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='indicator',
            name='period_end',
            field=models.DateField(validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='indicator',
            name='period_start',
            field=models.DateField(validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='indicatorevent',
            name='period_end',
            field=models.DateField(validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='indicatorevent',
            name='period_start',
            field=models.DateField(validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='instrument',
            name='entry_into_force_date',
            field=models.DateField(blank=True, help_text="For 'on a fixed date'.", null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='instrumentevent',
            name='entry_into_force_date',
            field=models.DateField(blank=True, help_text="For 'on a fixed date'.", null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='ends_on',
            field=models.DateField(blank=True, null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='starts_on',
            field=models.DateField(blank=True, null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='meetingevent',
            name='ends_on',
            field=models.DateField(blank=True, null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='meetingevent',
            name='starts_on',
            field=models.DateField(blank=True, null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='partyaction',
            name='taken_on',
            field=models.DateField(validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='partyactionevent',
            name='taken_on',
            field=models.DateField(validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='source',
            name='published_on',
            field=models.DateField(blank=True, null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='sourceevent',
            name='published_on',
            field=models.DateField(blank=True, null=True, validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='statuschange',
            name='happened_on',
            field=models.DateField(validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.AlterField(
            model_name='statuschangeevent',
            name='happened_on',
            field=models.DateField(validators=[agreements.models.dates.validate_not_too_late]),
        ),
        migrations.RunPython(token_ids_for_key_prefixes, migrations.RunPython.noop, elidable=True),
    ]
