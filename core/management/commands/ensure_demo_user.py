import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEFAULT_PASSWORD = "demo-c2f"


class Command(BaseCommand):
    help = "Create or update the staff superuser 'demo' (password from C2F_DEMO_PASSWORD, default demo-c2f)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")

    def handle(self, *args, username, **options):
        password = os.environ.get("C2F_DEMO_PASSWORD", "")
        if not password:
            if settings.PRODUCTION:
                raise CommandError(
                    "C2F_ENV=production: refusing to create the demo user with the default password; "
                    "set C2F_DEMO_PASSWORD."
                )
            password = DEFAULT_PASSWORD

        User = get_user_model()
        if settings.PRODUCTION:
            # A superuser on a public site gets a password the site's own validators accept.
            try:
                if password == DEFAULT_PASSWORD:
                    raise ValidationError("It is the default that this command prints.")
                validate_password(password, User(username=username))
            except ValidationError as exc:
                raise CommandError("C2F_DEMO_PASSWORD is too weak for C2F_ENV=production: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            user, created = User.objects.select_for_update().get_or_create(username=username)
            changed = created or not (user.is_staff and user.is_superuser and user.is_active)
            user.is_staff = user.is_superuser = user.is_active = True
            if not user.check_password(password):
                user.set_password(password)
                changed = True
            if changed:
                user.save()

        verb = "Created" if created else ("Updated" if changed else "Kept")
        shown = password if password == DEFAULT_PASSWORD else "(the password in C2F_DEMO_PASSWORD)"
        self.stdout.write(f"{verb} demo user. Log in as {username} / {shown}")
