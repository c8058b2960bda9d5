"""WSGI entry for bench/redirect.py: the project's application under the bench settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redirect_settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
