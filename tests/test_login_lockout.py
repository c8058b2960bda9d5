"""Guessing passwords: an account is locked out from an address after repeated failures, on both logins."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

PASSWORD = "correct horse battery staple"
LOCKED = "Too many failed logins for this account from your address"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def merch(db):
    return get_user_model().objects.create_user("merch", password=PASSWORD, is_staff=True)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("root", "root@c2f.localhost", PASSWORD)


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, username: str, password: str, *, url: str | None = None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def fail(client: Client, username: str, times: int, *, url: str | None = None):
    return [log_in(client, username, "wrong guess", url=url) for _ in range(times)]


def test_failures_below_the_limit_only_say_wrong_password(merch, settings):
    client = from_address("203.0.113.5")
    responses = fail(client, "merch", settings.AXES_FAILURE_LIMIT - 1)
    assert {r.status_code for r in responses} == {200}
    assert all(LOCKED not in r.content.decode() for r in responses)
    assert "didn't match" in responses[-1].content.decode()
    response = log_in(client, "merch", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:home")
    # A success starts the count again.
    assert not AccessAttempt.objects.filter(username="merch").exists()


def test_at_the_limit_even_the_right_password_is_refused_with_the_message(merch, settings):
    client = from_address("203.0.113.5")
    responses = fail(client, "merch", settings.AXES_FAILURE_LIMIT)
    assert responses[-1].status_code == 429
    assert LOCKED in responses[-1].content.decode()

    response = log_in(client, "merch", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html and "15 minutes" in html
    assert "didn't match" not in html  # the password was right: only the lockout is said
    assert '<form method="post"' in html  # the login page itself, to try again later
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_lockout_is_per_account_and_address(merch, settings):
    get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)
    fail(from_address("203.0.113.5"), "merch", settings.AXES_FAILURE_LIMIT)
    assert log_in(from_address("203.0.113.5"), "merch", PASSWORD).status_code == 429

    # The same account from another address, and another account from the same address, log in.
    assert log_in(from_address("198.51.100.7"), "merch", PASSWORD).status_code == 302
    assert log_in(from_address("203.0.113.5"), "other", PASSWORD).status_code == 302


def test_the_lockout_ends_when_the_administrator_deletes_the_attempts(merch, settings):
    client = from_address("203.0.113.5")
    fail(client, "merch", settings.AXES_FAILURE_LIMIT)
    assert log_in(client, "merch", PASSWORD).status_code == 429
    AccessAttempt.objects.filter(username="merch").delete()
    assert log_in(client, "merch", PASSWORD).status_code == 302


def test_the_admin_login_locks_out_too(admin_user, settings):
    url = reverse("admin:login")
    client = from_address("203.0.113.9")
    fail(client, "root", settings.AXES_FAILURE_LIMIT, url=url)
    response = log_in(client, "root", PASSWORD, url=url)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html and 'id="login-form"' in html
    assert client.get(reverse("admin:index")).status_code == 302
    # The dashboard login of the same account from the same address is the same lock.
    assert log_in(client, "root", PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(merch, settings):
    settings.C2F_TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5")
    fail(attacker, "merch", settings.AXES_FAILURE_LIMIT)
    assert log_in(attacker, "merch", PASSWORD).status_code == 429
    # The spoofed left-hand entry does not matter; the proxy's view of the client does.
    spoofing = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.5")
    assert log_in(spoofing, "merch", PASSWORD).status_code == 429
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert log_in(colleague, "merch", PASSWORD).status_code == 302
