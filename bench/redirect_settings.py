"""Settings for bench/redirect.py: the project's settings, plus the bare baseline redirect's URL."""

from c2f.settings import *  # noqa: F403

ROOT_URLCONF = "redirect_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
# The run's own Redis keys, so its repeat checks and buffer start empty.
C2F_CLICK_KEY_PREFIX = os.environ.get("BENCH_CLICK_KEY_PREFIX", "c2f:bench")  # noqa: F405
