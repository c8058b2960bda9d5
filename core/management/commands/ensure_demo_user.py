import os

from django.conf import settings
from django.contrib.auth import get_user_model
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
