import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken
from knox.settings import knox_settings


class Command(BaseCommand):
    help = (
        "Issue an API token for a user and print it once: only its hash is stored. "
        "Revoke it by deleting it in the admin (Knox › Auth tokens)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--days",
            type=int,
            help=f"Days until it expires (default {knox_settings.TOKEN_TTL.days}); 0: never.",
        )

    def handle(self, *args, username, days=None, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username!r} is not active.")
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative.")
        ttl = knox_settings.TOKEN_TTL if days is None else (datetime.timedelta(days=days) or None)
        instance, key = AuthToken.objects.create(user=user, expiry=ttl)
        expires = f"expires {instance.expiry:%Y-%m-%d}" if instance.expiry else "never expires"
        self.stdout.write(key)
        self.stderr.write(f"Token for {username} ({expires}). It is shown only this once.")
