"""Settings for C2F, read from the environment.

With nothing set the app runs on the embedded default: SQLite in the project
folder, Celery tasks executed in-process, emails written to ``var/mail``.
``DATABASE_URL`` switches to PostgreSQL, ``CELERY_BROKER_URL`` to Redis with
real workers, ``EMAIL_URL``/``EMAIL_HOST`` to SMTP, and ``C2F_ENV=production``
turns on the hardened production settings.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("C2F_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


C2F_ENV = os.environ.get("C2F_ENV", "development")
PRODUCTION = C2F_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)

# The placeholder .env.example ships with; a copy of it left unchanged must not run in production.
EXAMPLE_SECRET_KEY = "change-me"
MIN_SECRET_KEY_LENGTH = 50
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when C2F_ENV=production.")
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-default"
elif PRODUCTION and (SECRET_KEY == EXAMPLE_SECRET_KEY or len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak for C2F_ENV=production: it must be at least {MIN_SECRET_KEY_LENGTH} "
        "random characters, not the placeholder from .env.example. Make one with: "
        "python -c \"import secrets; print(secrets.token_urlsafe(50))\""
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    # The loop: a shared core below eight links, in the order imports may flow.
    "core",
    "hotspots",
    "analysis",
    "design",
    "samples",
    "production",
    "promotion",
    "customers",
    "portraits",
    # The orchestration above the eight links: run_cycle, the loop's Celery chain, the dashboard home.
    "c2f",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.csp.CSPMiddleware",  # django-csp's; a response with its own policy keeps it
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it answers a locked-out login whatever the view returned.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "c2f.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.c2f",
            ],
        },
    },
]

WSGI_APPLICATION = "c2f.wsgi.application"

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A check is a round trip (SELECT 1) before every request's first query: on a factory's idle poll it
        # doubles the database's share. Without it, a process's first request after the database restarted
        # fails and its connection is replaced; set DATABASE_CONN_HEALTH_CHECKS=1 to check instead.
        conn_health_checks=os.environ.get("DATABASE_CONN_HEALTH_CHECKS", "0") == "1",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (web, in-process tasks, a worker) share one file: take the write lock
    # when a transaction starts and wait for it, instead of failing on a lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Per process: API-key lookups, cached factory pages and rate-limit counters share it.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "c2f",
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }
# Whether every process sees the same cache. Only then may the factory API keep
# what must be current everywhere there: API-key rows (revoking one drops it) and
# the feed versions its ETags are made of. Otherwise both are read from the database.
C2F_CACHE_SHARED = bool(REDIS_URL)

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses an account and address locked out after repeated failures, before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (dashboard and admin) are counted per account and address; at the limit that
# pair is locked out for the cool-off time, or until its access attempts are deleted in the admin.
AXES_FAILURE_LIMIT = int(os.environ.get("C2F_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("C2F_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.auth.client_ip"
AXES_VERBOSE = False  # no banner in every command's output; lockouts are still logged
# Proxies in front of the app that append the client's address to X-Forwarded-For (0: none,
# REMOTE_ADDR is the client). Failed logins are counted per the address this yields.
C2F_TRUSTED_PROXIES = int(os.environ.get("C2F_TRUSTED_PROXIES", "0"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# The languages a buyer's vote page and invitation speak (Buyer.language); the dashboard stays
# in LANGUAGE_CODE. Catalogues live in locale/<code>/LC_MESSAGES (README: "Languages").
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("ja", "日本語"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files: everything served by the app itself, no CDN ------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
except OSError:
    pass


def _vendor_static_dirs():
    import xstatic.pkg.bootstrap as xs_bootstrap

    # plotly.js is served from static/vendor/plotly (its cartesian bundle, see the README there).
    return [("vendor/bootstrap", xs_bootstrap.BASE_DIR)]


STATICFILES_DIRS = [BASE_DIR / "static", *_vendor_static_dirs()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Served at the site's root by WhiteNoise: /favicon.ico, which browsers ask for on every site.
WHITENOISE_ROOT = BASE_DIR / "webroot"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# --- Email ----------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "C2F Samples <samples@c2f.localhost>")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))


def _email_settings():
    """EMAIL_URL=smtp://user:pass@host:port (smtp+tls:// for STARTTLS) or plain EMAIL_HOST."""
    url = os.environ.get("EMAIL_URL", "")
    if url:
        parsed = urlparse(url)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "127.0.0.1",
            "EMAIL_PORT": parsed.port or 25,
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_TLS": parsed.scheme.endswith("+tls"),
        }
    if os.environ.get("EMAIL_HOST"):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": os.environ["EMAIL_HOST"],
            "EMAIL_PORT": int(os.environ.get("EMAIL_PORT", "25")),
            "EMAIL_HOST_USER": os.environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS"),
        }
    return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}


globals().update(_email_settings())
EMAIL_TIMEOUT = 20

# Absolute base for links that leave the site (the buyers' vote links in emails). bin/demo sets
# it to the address it serves; production has no default and sends no invitation without it.
C2F_PUBLIC_URL = os.environ.get("C2F_PUBLIC_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
# Where tracked promotion links send shoppers (the shop's product pages).
C2F_SHOP_URL = os.environ.get("C2F_SHOP_URL", "https://shop.example/products")

# --- Promotion ------------------------------------------------------------
# The publishing service that takes posts of campaigns published by webhook (signed JSON POST).
C2F_PUBLISH_WEBHOOK_URL = os.environ.get("C2F_PUBLISH_WEBHOOK_URL", "")
C2F_PUBLISH_WEBHOOK_SECRET = os.environ.get("C2F_PUBLISH_WEBHOOK_SECRET", "")
C2F_PUBLISH_WEBHOOK_TIMEOUT = float(os.environ.get("C2F_PUBLISH_WEBHOOK_TIMEOUT", "10"))
C2F_PUBLISH_MAX_ATTEMPTS = int(os.environ.get("C2F_PUBLISH_MAX_ATTEMPTS", "6"))
# The request header a trusted proxy or CDN sets to the visitor's country (e.g. CF-IPCountry). Empty: no
# country is recorded, because any client can send any header.
C2F_CLICK_COUNTRY_HEADER = os.environ.get("C2F_CLICK_COUNTRY_HEADER", "")
# One visitor's clicks on one link within this many seconds count once.
C2F_CLICK_DEDUP_SECONDS = int(os.environ.get("C2F_CLICK_DEDUP_SECONDS", "1800"))
# Requests one network address may make to tracked links; past it, it gets 429 and nothing is recorded.
C2F_CLICK_FLOOD_RATE = os.environ.get("C2F_CLICK_FLOOD_RATE", "60/min")
# With Redis, clicks are buffered there and stored in batches by beat (promotion.flush_clicks).
C2F_CLICK_BUFFER_URL = os.environ.get("C2F_CLICK_BUFFER_URL", REDIS_URL)
C2F_LINK_CACHE_SECONDS = int(os.environ.get("C2F_LINK_CACHE_SECONDS", "30"))
# An order without UTM parameters is credited to the last click on its concept's links in its market
# within this many days.
C2F_ATTRIBUTION_WINDOW_DAYS = float(os.environ.get("C2F_ATTRIBUTION_WINDOW_DAYS", "7"))

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    # In-process tasks still serialise through a producer of this in-memory broker; naming its
    # host spares kombu's "No hostname was supplied" warning on the first task of every process.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "samples.*": {"queue": "email"},
    "portraits.*": {"queue": "ml"},
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Defaults written into django-celery-beat's tables at beat start; editable in the admin.
CELERY_BEAT_SCHEDULE = {
    "close-due-vote-rounds": {"task": "samples.close_due_rounds", "schedule": 300.0},
    "remind-vote-buyers": {"task": "samples.remind_due", "schedule": 900.0},
    "resend-lost-invitations": {"task": "samples.resend_stale", "schedule": 300.0},
    "prune-idempotency-records": {"task": "production.prune_idempotency_records", "schedule": 86400.0},
    "check-reorder-rules": {"task": "c2f.reorder_rules.check", "schedule": crontab(hour=6, minute=0)},
    "refresh-cycle-reports": {"task": "c2f.reports.refresh", "schedule": crontab(hour=6, minute=30)},
    "release-due-posts": {"task": "promotion.release_due_posts", "schedule": 60.0},
    "store-buffered-clicks": {"task": "promotion.flush_clicks", "schedule": 5.0},
    "attribute-orders": {"task": "customers.attribute_orders", "schedule": 600.0},
}
CELERY_TIMEZONE = TIME_ZONE

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.negotiation.JsonNegotiation",
    "DEFAULT_THROTTLE_RATES": {
        "factory": os.environ.get("C2F_FACTORY_RATE", "120/min"),
        "shop_webhook": os.environ.get("C2F_SHOP_WEBHOOK_RATE", "600/min"),
        "anon": "30/min",
    },
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "C2F factory API",
    "DESCRIPTION": (
        "Partner factories poll their own small-batch production orders and report back. "
        "Authenticate every request with `Authorization: Api-Key <key>`; "
        "the key is printed once by `manage.py create_factory NAME`. "
        "A guide for your developers, with a polling client in Python: "
        "[/api/v1/factory/guide/](/api/v1/factory/guide/)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar, served by the app itself like every other asset;
    # no call to the public validator, whose badge would load from another site.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "defaultModelsExpandDepth": 0},
}

# --- Trend sources ---------------------------------------------------------
# Requests per minute to Google Trends through pytrends, shared by all workers.
C2F_PYTRENDS_PER_MINUTE = int(os.environ.get("C2F_PYTRENDS_PER_MINUTE", "6"))
# SerpApi's Google Trends engine: a second live source, chosen per watchlist or used when pytrends is refused.
# Without a key it is off and nothing changes.
SERPAPI_API_KEY = os.environ.get("SERPAPI_API_KEY", "")
C2F_SERPAPI_PER_MINUTE = int(os.environ.get("C2F_SERPAPI_PER_MINUTE", "30"))

# --- Vote links and decisions --------------------------------------------
C2F_VOTE_RATE = os.environ.get("C2F_VOTE_RATE", "30/min")
# A closed round is suggested "confirm" at or above this shrunk score and response rate,
# "drop" at or below C2F_DROP_MAX_SCORE, and "revise" in between.
C2F_CONFIRM_MIN_SCORE = float(os.environ.get("C2F_CONFIRM_MIN_SCORE", "3.5"))
C2F_CONFIRM_MIN_RESPONSE = float(os.environ.get("C2F_CONFIRM_MIN_RESPONSE", "0.3"))
C2F_DROP_MAX_SCORE = float(os.environ.get("C2F_DROP_MAX_SCORE", "2.5"))
# A worker sending an invitation holds it this long; past it, the send counts as lost and is retried.
C2F_SEND_LEASE_SECONDS = int(os.environ.get("C2F_SEND_LEASE_SECONDS", "300"))
# An invitation no worker has claimed this long after its round opened lost its task: it is
# queued again and the round page offers a retry.
C2F_UNSENT_GRACE_SECONDS = int(os.environ.get("C2F_UNSENT_GRACE_SECONDS", "900"))
# The retailer's share of the retail price in the margin plan: a round that asks no wholesale
# price of its own compares buyers' answers with target retail price x (1 - this). 0.5 is keystone.
C2F_RETAILER_MARGIN = float(os.environ.get("C2F_RETAILER_MARGIN", "0.5"))
if not 0 <= C2F_RETAILER_MARGIN < 1:
    raise ImproperlyConfigured(f"C2F_RETAILER_MARGIN must be a share from 0 up to 1, got {C2F_RETAILER_MARGIN}.")
# Share of an unsold unit's landed cost that clearance brings back; sizes first batches (newsvendor).
C2F_SALVAGE_SHARE = float(os.environ.get("C2F_SALVAGE_SHARE", "0.3"))

# --- Shop orders ------------------------------------------------------------
# Revenue is reported in this currency, converted at the planning exchange rates (admin).
C2F_BASE_CURRENCY = os.environ.get("C2F_BASE_CURRENCY", "USD").strip().upper()
# The shop's webhook signing secret (Shopify: Settings > Notifications > Webhooks). Without it the
# order webhook refuses every delivery.
C2F_SHOP_WEBHOOK_SECRET = os.environ.get("C2F_SHOP_WEBHOOK_SECRET", "")
# A delivery triggered longer ago than this (seconds) is refused as a replay.
C2F_SHOP_WEBHOOK_MAX_AGE = int(os.environ.get("C2F_SHOP_WEBHOOK_MAX_AGE", "86400"))
C2F_SHOP_WEBHOOK_RATE = os.environ.get("C2F_SHOP_WEBHOOK_RATE", "600/min")

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy, the same in both setups: every script and style comes from this
# site, inline ones only with the page's nonce; no eval, no plugin, no framing, no other host.
# Inline style attributes are refused too: templates use classes, scripts set styles through
# the DOM. Plotly adds its CSS rules to a <style> element the page gives it with the nonce.
# plotly.js puts the CSS of its map library (no chart here is a map) in a <style> element as it
# loads; this hash admits exactly that CSS. tests/test_csp.py recomputes it from the bundle.
PLOTLY_STYLE_HASHES = ["'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, *PLOTLY_STYLE_HASHES],
        "img-src": [SELF, "data:"],  # Bootstrap draws its icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # In-process (eager) tasks would print a line each into commands' output; workers keep theirs.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}

# --- Portraits --------------------------------------------------------------
# k is chosen by silhouette within this range, on a sample of C2F_PORTRAIT_SAMPLE customers (fixed seed);
# above C2F_PORTRAIT_MINIBATCH customers the whole base is labelled with MiniBatchKMeans.
C2F_PORTRAIT_K_MIN = int(os.environ.get("C2F_PORTRAIT_K_MIN", "2"))
C2F_PORTRAIT_K_MAX = int(os.environ.get("C2F_PORTRAIT_K_MAX", "8"))
C2F_PORTRAIT_SAMPLE = int(os.environ.get("C2F_PORTRAIT_SAMPLE", "5000"))
C2F_PORTRAIT_MINIBATCH = int(os.environ.get("C2F_PORTRAIT_MINIBATCH", "50000"))
if not 2 <= C2F_PORTRAIT_K_MIN <= C2F_PORTRAIT_K_MAX:
    raise ImproperlyConfigured(
        f"C2F_PORTRAIT_K_MIN must be at least 2 and at most C2F_PORTRAIT_K_MAX, got {C2F_PORTRAIT_K_MIN}..{C2F_PORTRAIT_K_MAX}."
    )
