"""Settings for bench/factory_api_poll.py: the project's settings, plus the bare baseline view's URL."""

from c2f.settings import *  # noqa: F403

ROOT_URLCONF = "factory_api_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
