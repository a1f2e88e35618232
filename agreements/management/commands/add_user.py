import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

ROLES = ["analyst", "manager", "consumer"]


class Command(BaseCommand):
    help = "Create a user with one role: analyst (writes), manager (follow-ups), consumer (reads)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password",
            help="Leave out to have a strong password generated and printed once.",
        )

    @transaction.atomic
    def handle(self, *args, username, role, email, password, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        user = User(username=username, email=email, is_staff=True)
        generated = password is None
        password = secrets.token_urlsafe(18) if generated else password
        try:
            user.full_clean(exclude=["password"])
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        self.stdout.write(self.style.SUCCESS(f"Created {role} {username!r}."))
        if generated:
            self.stdout.write(f"Password (shown once): {password}")
