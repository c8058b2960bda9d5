"""Shared pytest set-up for every app's tests."""

import pytest

from c2f.celery import app as celery_app

_needs_shared_sqlite_file = False


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    global _needs_shared_sqlite_file
    _needs_shared_sqlite_file = any(item.get_closest_marker("services") for item in items)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, tmp_path_factory):
    """Put the SQLite test database in a file when a `services` test runs.

    pytest-django keeps a SQLite test database in memory, which a Celery worker in
    another process cannot open. With a file, the worker started by the test gets a
    DATABASE_URL naming the very same database. PostgreSQL needs nothing: the worker
    connects to the test database by name.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    if _needs_shared_sqlite_file and db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def celery_eager():
    """Tasks run in-process during tests even when CELERY_BROKER_URL names a real broker."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _real_broker_for_services_tests(request, settings):
    """Tests marked `services` talk to a real broker and worker, so they get eager execution off."""
    if request.node.get_closest_marker("services") is None:
        settings.CELERY_TASK_ALWAYS_EAGER = True
        yield
        return
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """End stray connections before the test database is dropped.

    The live server answers each browser request in a thread of its own; a thread still
    waiting on a browser's kept-alive socket when the session ends keeps its database
    connection, and PostgreSQL refuses to drop a database that is in use.
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def staff_client(client, db):
    """The test client, logged in as a merchandiser (staff)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("merch", "merch@c2f.localhost", "pw", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def shopper_client(db):
    """A client logged in as a user who is not staff: the dashboard must refuse it."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user("shopper", "shopper@c2f.localhost", "pw", is_staff=False)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads made by a test land in its own temporary folder, never in the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: figures kept by one test (core.dashboard.figures) are
    versioned by row ids that another test's rolled-back database may hand out again."""
    from django.core.cache import cache

    cache.clear()
    yield


# --- Browser tests --------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Reported by the page itself: Chromium logs a violation to the console, the event names it.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


class GuardedBrowser:
    """Headless Chromium whose pages fail the test on a Content-Security-Policy violation, a script
    error, an asset that fails to load, or a request to another host (aborted, so nothing ever
    leaves the machine)."""

    def __init__(self, browser):
        self.browser = browser
        self.problems: list[str] = []
        self.requests: list[str] = []

    def new_page(self, **context_options):
        context = self.browser.new_context(**context_options)
        context.add_init_script(_REPORT_VIOLATIONS)
        context.route("**/*", self._local_only)
        page = context.new_page()
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: script error: {error}"))
        page.on("response", self._response)
        return page

    def _response(self, response):
        # A page may answer 4xx on purpose (a closed vote round); what it loads may not.
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.request.resource_type} {response.url} answered {response.status}")

    def _local_only(self, route):
        from urllib.parse import urlparse

        url = route.request.url
        self.requests.append(url)
        if urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.problems.append(f"request to another host: {url}")
            route.abort()

    def _console(self, page, message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            self.problems.append(f"{page.url}: {text}")

    def take_problems(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems

    def assert_clean(self):
        problems = self.take_problems()
        assert problems == [], "the browser met problems:\n" + "\n".join(problems)


@pytest.fixture
def browser():
    """A GuardedBrowser for one test; whatever its pages met is asserted at the end."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made here stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        guarded = GuardedBrowser(chromium)
        try:
            yield guarded
        finally:
            chromium.close()
    guarded.assert_clean()
