"""Merchandiser pages for factories: the list, creating and editing a profile, issuing and revoking API keys."""

import datetime
import hashlib
import logging
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from production import selectors, services
from production.models import Factory, FactoryApiKey, FactoryPayment, ProductionEvent, ProductionOrder, QcReport

from .factories import FactoryFactory, ProductionOrderFactory, ProductionOrderLineFactory

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status
KEY_PATTERN = re.compile(r"c2f_[A-Za-z0-9]{8}_[A-Za-z0-9_\-]+")


@pytest.fixture
def mill():
    factory, _ = services.factory_create(name="Mill A", categories=["blanket"])
    return factory


def valid_form(**overrides) -> dict:
    data = {
        "name": "Ningbo Weave",
        "categories": "blanket, throw\ncushion cover",
        "min_batch": "250",
        "lead_time_days": "18",
        "weekly_capacity": "1200",
        "deposit_percent": "40",
        "price_list_category": ["blanket", "throw", ""],
        "price_list_amount": ["11.50", "8", ""],
    }
    data.update(overrides)
    return data


def issued_key(response) -> str:
    keys = set(KEY_PATTERN.findall(response.content.decode()))
    assert len(keys) == 1, keys
    return keys.pop()


def api_orders(raw_key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return client.get("/api/v1/factory/orders/")


def state() -> tuple:
    """Every row the pages could write, to show a refused request wrote nothing."""
    return (
        sorted(Factory.objects.values_list(
            "pk", "name", "categories", "min_batch", "lead_time_days", "weekly_capacity", "deposit_percent", "price_list"
        ), key=str),
        sorted(FactoryApiKey.objects.values_list("pk", "name", "revoked_at"), key=str),
    )


# --- Who may open the pages ---------------------------------------------------

ROUTES = [
    ("get", "production:factories", False),
    ("get", "production:factory_create", False),
    ("post", "production:factory_create", False),
    ("get", "production:factory_edit", True),
    ("post", "production:factory_edit", True),
    ("post", "production:factory_key_issue", True),
    ("get", "production:factory_key_revoke", "key"),
    ("post", "production:factory_key_revoke", "key"),
]


def request(client, method, url):
    return client.post(url, valid_form(name="Mill A renamed")) if method == "post" else client.get(url)


def route_url(name, args, factory):
    if args == "key":
        return reverse(name, args=[factory.pk, factory.api_keys.get().pk])
    return reverse(name, args=[factory.pk] if args else [])


@pytest.mark.parametrize(("method", "name", "args"), ROUTES)
def test_anonymous_is_sent_to_login_and_nothing_changes(client, mill, method, name, args):
    before = state()
    url = route_url(name, args, mill)
    response = request(client, method, url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert state() == before


@pytest.mark.parametrize(("method", "name", "args"), ROUTES)
def test_a_logged_in_non_merchandiser_is_refused(client, mill, method, name, args):
    client.force_login(get_user_model().objects.create_user("shopper", password="pw"))
    before = state()
    response = request(client, method, route_url(name, args, mill))
    assert response.status_code == 403
    assert state() == before


def test_issuing_a_key_is_post_only(staff, mill):
    assert staff.get(reverse("production:factory_key_issue", args=[mill.pk])).status_code == 405
    assert mill.api_keys.count() == 1


def test_missing_factory_or_key_is_404(staff, mill):
    key = mill.api_keys.get()
    assert staff.get(reverse("production:factory_edit", args=[999999])).status_code == 404
    assert staff.post(reverse("production:factory_key_issue", args=[999999])).status_code == 404
    assert staff.get(reverse("production:factory_key_revoke", args=[mill.pk, 999999])).status_code == 404
    assert staff.post(reverse("production:factory_key_revoke", args=[999999, key.pk])).status_code == 404


# --- CSRF -----------------------------------------------------------------------


@pytest.fixture
def csrf_client(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    return client


def csrf_token(client, url) -> str:
    assert client.get(url).status_code == 200
    return client.cookies["csrftoken"].value


def test_every_write_needs_the_csrf_token(csrf_client, mill):
    key = mill.api_keys.get()
    before = state()
    posts = [
        (reverse("production:factory_create"), valid_form()),
        (reverse("production:factory_edit", args=[mill.pk]), valid_form(name="Mill A renamed")),
        (reverse("production:factory_key_issue", args=[mill.pk]), {"name": "forged"}),
        (reverse("production:factory_key_revoke", args=[mill.pk, key.pk]), {}),
    ]
    for url, data in posts:
        assert csrf_client.post(url, data).status_code == 403, url
    assert state() == before
    key.refresh_from_db()
    assert key.revoked_at is None


def test_with_the_csrf_token_the_same_posts_go_through(csrf_client, mill):
    token = csrf_token(csrf_client, reverse("production:factory_create"))
    response = csrf_client.post(reverse("production:factory_create"), valid_form(csrfmiddlewaretoken=token))
    assert response.status_code == 200 and Factory.objects.filter(name="Ningbo Weave").exists()
    key = mill.api_keys.get()
    token = csrf_token(csrf_client, reverse("production:factory_key_revoke", args=[mill.pk, key.pk]))
    response = csrf_client.post(
        reverse("production:factory_key_revoke", args=[mill.pk, key.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


# --- Creating a factory ---------------------------------------------------------

def rows(categories: list[str], amounts: list[str]) -> dict:
    return {"price_list_category": categories, "price_list_amount": amounts}


BAD_CREATES = [
    ({"name": ""}, "name", "This field is required"),
    ({"name": "   "}, "name", "This field is required"),
    ({"name": "mill a"}, "name", "already exists"),
    ({"name": "  MILL A "}, "name", "already exists"),
    ({"name": "x" * 121}, "name", "at most 120 characters"),
    ({"name": "x" * 20000}, "name", "at most 120 characters"),
    ({"name": "Line\nbreak Mill"}, "name", "control characters"),
    ({"name": "Mill\u202eA"}, "name", "control characters"),
    ({"min_batch": "-1"}, "min_batch", "greater than or equal to 0"),
    ({"lead_time_days": "-5"}, "lead_time_days", "greater than or equal to 0"),
    ({"weekly_capacity": "-100"}, "weekly_capacity", "greater than or equal to 0"),
    ({"weekly_capacity": "99999999999999"}, "weekly_capacity", "less than or equal to"),
    ({"min_batch": "ten"}, "min_batch", "whole number"),
    ({"deposit_percent": "-1"}, "deposit_percent", "greater than or equal to 0"),
    ({"deposit_percent": "101"}, "deposit_percent", "less than or equal to 100"),
    ({"categories": ""}, "categories", "This field is required"),
    ({"categories": " , \n ,"}, "categories", "at least one category"),
    (rows(["blanket"], ["abc"]), "price_list", "blanket: 'abc' is not an amount"),
    (rows(["blanket"], ["-3"]), "price_list", "must be more than 0"),
    (rows(["blanket"], ["0"]), "price_list", "must be more than 0"),
    (rows(["blanket"], ["NaN"]), "price_list", "is not an amount"),
    (rows(["blanket"], ["Infinity"]), "price_list", "is not an amount"),
    (rows(["blanket"], ["1e400"]), "price_list", "at most 99999999.99"),
    (rows(["blanket"], ["1.005"]), "price_list", "two decimal places"),
    (rows(["blanket"], ["=1+1"]), "price_list", "is not an amount"),
    (rows(["", "throw"], ["11.50", "8"]), "price_list", "Row 1: a category is needed"),
    (rows(["blanket", "throw"], ["11.50", ""]), "price_list", "Row 2 (throw): a unit price is needed"),
    (rows(["blanket", "Blanket"], ["11.50", "9"]), "price_list", "Row 2 (Blanket): this category is listed twice"),
    (rows(["b" * 81], ["11.50"]), "price_list", "at most 80 characters"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_CREATES)
def test_bad_input_is_shown_on_its_field_and_nothing_is_written(staff, mill, overrides, field, message):
    before = state()
    response = staff.post(reverse("production:factory_create"), valid_form(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert any(message in error for error in form.errors[field]), form.errors[field]
    html = response.content.decode()
    assert "field-error" in html and not KEY_PATTERN.search(html)
    assert state() == before


def test_a_refused_form_keeps_what_was_typed(staff, mill):
    response = staff.post(
        reverse("production:factory_create"),
        valid_form(name="Mill A", price_list_category=["blanket", "throw"], price_list_amount=["11.50", "8.25"]),
    )
    html = response.content.decode()
    assert 'value="throw"' in html and 'value="8.25"' in html and "blanket, throw" in html


def test_html_in_a_name_is_stored_as_text_and_shown_escaped(staff):
    name = '<script>alert("x")</script><b>Mill</b>'
    response = staff.post(reverse("production:factory_create"), valid_form(name=name))
    factory = Factory.objects.get(name=name)
    pages = [
        response,
        staff.get(reverse("production:factories")),
        staff.get(reverse("production:factory", args=[factory.pk])),
        staff.get(reverse("production:factory_edit", args=[factory.pk])),
        staff.post(reverse("production:factory_create"), valid_form(name=name)),  # refused as a duplicate
    ]
    for page in pages:
        html = page.content.decode()
        assert "<script>alert" not in html and "<b>Mill</b>" not in html
        assert "&lt;script&gt;alert(" in html


def test_created_factory_shows_its_key_once_and_keeps_only_its_hash(staff, caplog):
    caplog.set_level(logging.DEBUG)
    response = staff.post(reverse("production:factory_create"), valid_form())
    assert response.status_code == 200 and not response.has_header("Location")
    assert response["Cache-Control"] == "no-store"
    raw_key = issued_key(response)
    html = response.content.decode()
    assert "will not be shown again" in html
    assert f"Authorization: Api-Key {raw_key}" in html
    assert 'href="/api/v1/factory/guide/"' in html
    assert "data-copy-target" in html
    assert "production/factories.js" in html

    factory = Factory.objects.get(name="Ningbo Weave")
    assert factory.categories == ["blanket", "throw", "cushion cover"]
    terms = (factory.min_batch, factory.lead_time_days, factory.weekly_capacity, factory.deposit_percent)
    assert terms == (250, 18, 1200, 40)
    assert factory.price_list == {"blanket": "11.50", "throw": "8.00"}
    stored = factory.api_keys.get()
    assert stored.hashed_key == hashlib.sha256(raw_key.encode()).hexdigest()

    # The key is nowhere at rest: not in any table, not in the session or message storage, not in a log.
    secret = raw_key.split("_", 2)[2]  # the part after c2f_<prefix>_
    assert len(secret) >= 40
    for model in apps.get_models():
        for row in model.objects.values_list():
            assert secret not in str(row), model
    for session in Session.objects.all():
        assert secret not in str(session.get_decoded())
    assert all(secret not in morsel.value for morsel in response.cookies.values())
    assert not list(response.context["messages"])
    assert secret not in caplog.text
    assert secret not in response.get("Location", "")

    # After a reload (the page replaces its history entry with the factory page) the key is gone.
    assert f'data-replace-url="{reverse("production:factory", args=[factory.pk])}"' in html
    for url in (reverse("production:factory", args=[factory.pk]), reverse("production:factories")):
        page = staff.get(url).content.decode()
        assert secret not in page and not KEY_PATTERN.search(page)
    assert stored.prefix in staff.get(reverse("production:factory", args=[factory.pk])).content.decode()
    assert api_orders(raw_key).status_code == 200


def test_the_form_page_shows_defaults_and_blank_price_rows(staff):
    response = staff.get(reverse("production:factory_create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="price_list_category"') == 3
    assert 'name="deposit_percent"' in html and 'value="30"' in html


# --- Editing a factory ----------------------------------------------------------


def test_edit_page_shows_the_profile_and_saves_changes(staff, mill):
    services.factory_update(factory=mill, price_list={"blanket": "11.5"})
    url = reverse("production:factory_edit", args=[mill.pk])
    html = staff.get(url).content.decode()
    assert 'value="Mill A"' in html and 'value="blanket"' in html and 'value="11.50"' in html
    response = staff.post(url, valid_form(name="Mill A Weaving", categories="throw\nblanket"))
    assert response.status_code == 302 and response["Location"] == reverse("production:factory", args=[mill.pk])
    mill.refresh_from_db()
    assert mill.name == "Mill A Weaving"
    assert mill.categories == ["throw", "blanket"]
    assert mill.price_list == {"blanket": "11.50", "throw": "8.00"}
    assert (mill.deposit_percent, mill.min_batch) == (40, 250)
    page = staff.get(reverse("production:factory", args=[mill.pk])).content.decode()
    assert "deposit 40%" in page and "blanket 11.50" in page


def test_edit_keeps_its_own_name_in_any_case_but_not_another_factorys(staff, mill):
    other = FactoryFactory(name="Other Mill")
    url = reverse("production:factory_edit", args=[mill.pk])
    assert staff.post(url, valid_form(name="MILL A")).status_code == 302
    mill.refresh_from_db()
    assert mill.name == "MILL A"
    before = state()
    response = staff.post(url, valid_form(name=" other mill "))
    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].errors["name"])
    assert state() == before and Factory.objects.get(pk=other.pk).name == "Other Mill"


BAD_EDITS = [(o, f) for o, f, _ in BAD_CREATES if o.get("name") not in ("mill a", "  MILL A ")]  # its own name is fine


@pytest.mark.parametrize(("overrides", "field"), BAD_EDITS)
def test_edit_with_bad_input_changes_nothing(staff, mill, overrides, field):
    FactoryFactory(name="Other Mill")
    before = state()
    response = staff.post(reverse("production:factory_edit", args=[mill.pk]), valid_form(**overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert state() == before


def test_factory_update_changes_only_what_it_is_given():
    factory, _ = services.factory_create(
        name="Loom", categories=["throw"], min_batch=50, deposit_percent=20, price_list={"throw": Decimal("7.2")}
    )
    services.factory_update(factory=factory, weekly_capacity=300)
    factory.refresh_from_db()
    assert (factory.name, factory.categories, factory.min_batch, factory.weekly_capacity) == ("Loom", ["throw"], 50, 300)
    assert (factory.deposit_percent, factory.price_list) == (20, {"throw": "7.20"})
    services.factory_update(factory=factory, price_list={}, categories=[])
    factory.refresh_from_db()
    assert (factory.price_list, factory.categories) == ({}, [])


@pytest.mark.parametrize(("kwargs", "fields"), [
    ({"name": "", "deposit_percent": 150}, {"name", "deposit_percent"}),
    ({"min_batch": -1, "lead_time_days": True}, {"min_batch", "lead_time_days"}),
    ({"categories": ["blanket", ""]}, {"categories"}),
    ({"categories": "blanket"}, {"categories"}),
    ({"price_list": {"blanket": "abc", "": "3"}}, {"price_list"}),
    ({"price_list": {"blanket": -2}}, {"price_list"}),
    ({"price_list": {"blanket": True}}, {"price_list"}),
    ({"price_list": ["blanket", "3"]}, {"price_list"}),
])
def test_factory_services_name_every_bad_field_and_write_nothing(kwargs, fields):
    factory, _ = services.factory_create(name="Loom", categories=["throw"])
    before = state()
    with pytest.raises(ValidationError) as raised:
        services.factory_update(factory=factory, **kwargs)
    assert set(raised.value.message_dict) == fields
    with pytest.raises(ValidationError) as raised:
        services.factory_create(**({"name": "New Loom"} | kwargs))
    assert set(raised.value.message_dict) == fields
    assert state() == before


# --- API keys on the factory page ----------------------------------------------


def test_issue_a_named_key_shown_once(staff, mill):
    response = staff.post(reverse("production:factory_key_issue", args=[mill.pk]), {"name": "ERP server"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    raw_key = issued_key(response)
    html = response.content.decode()
    assert "will not be shown again" in html and f"Authorization: Api-Key {raw_key}" in html
    assert 'href="/api/v1/factory/guide/"' in html
    key = mill.api_keys.get(name="ERP server")
    assert key.hashed_key == hashlib.sha256(raw_key.encode()).hexdigest()
    page = staff.get(reverse("production:factory", args=[mill.pk])).content.decode()
    assert "ERP server" in page and key.prefix in page and raw_key not in page


def test_a_key_name_too_long_is_refused_with_a_message(staff, mill):
    response = staff.post(reverse("production:factory_key_issue", args=[mill.pk]), {"name": "k" * 81}, follow=True)
    assert "Key name" in " ".join(str(m) for m in response.context["messages"])
    assert mill.api_keys.count() == 1 and not KEY_PATTERN.search(response.content.decode())


def test_revoke_asks_first_then_shows_the_key_revoked_with_its_time(staff, mill):
    key = mill.api_keys.get()
    url = reverse("production:factory_key_revoke", args=[mill.pk, key.pk])
    page = staff.get(reverse("production:factory", args=[mill.pk])).content.decode()
    assert f'href="{url}"' in page and "active" in page
    confirm = staff.get(url)
    assert confirm.status_code == 200 and "Revoke the key" in confirm.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None  # asking is not revoking

    response = staff.post(url, follow=True)
    key.refresh_from_db()
    assert key.revoked_at is not None
    html = response.content.decode()
    assert "revoked" in html and f'<time datetime="{timezone.localtime(key.revoked_at).isoformat(timespec="minutes")}">' in html
    assert f'href="{url}"' not in html  # no revoke link on a revoked key
    first = key.revoked_at
    response = staff.post(url, follow=True)
    assert "already revoked" in " ".join(str(m) for m in response.context["messages"])
    key.refresh_from_db()
    assert key.revoked_at == first


def test_a_key_of_another_factory_cannot_be_revoked_through_this_factorys_address(staff, mill):
    other, other_raw = services.factory_create(name="Mill B")
    other_key = other.api_keys.get()
    forged = reverse("production:factory_key_revoke", args=[mill.pk, other_key.pk])
    assert staff.get(forged).status_code == 404
    assert staff.post(forged).status_code == 404
    other_key.refresh_from_db()
    assert other_key.revoked_at is None
    assert api_orders(other_raw).status_code == 200
    with pytest.raises(FactoryApiKey.DoesNotExist):
        services.factory_api_key_revoke(key_id=other_key.pk, factory=mill)


@pytest.mark.parametrize("cache_shared", [False, True], ids=["per-process cache", "shared cache"])
def test_a_key_issued_on_the_page_works_until_revoked_on_the_page(staff, mill, settings, cache_shared):
    # With a shared cache the key row is cached on first use: revoking must drop it there too.
    settings.C2F_CACHE_SHARED = cache_shared
    response = staff.post(reverse("production:factory_key_issue", args=[mill.pk]), {"name": ""})
    raw_key = issued_key(response)
    assert api_orders(raw_key).status_code == 200  # now cached for authentication
    key = FactoryApiKey.objects.get(prefix=raw_key.split("_")[1])
    assert key.last_used_at is not None
    page = staff.get(reverse("production:factory", args=[mill.pk])).content.decode()
    assert f'<time datetime="{timezone.localtime(key.last_used_at).isoformat(timespec="minutes")}">' in page

    staff.post(reverse("production:factory_key_revoke", args=[mill.pk, key.pk]))
    refused = api_orders(raw_key)
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Api-Key"


# --- The factories list -----------------------------------------------------------


def add_history(factory: Factory, *, n: int) -> None:
    """Orders in every state, payments and QC reports, written directly (fast enough for 30 factories)."""
    now = timezone.now()
    for i, status in enumerate([Status.RELEASED, Status.IN_PRODUCTION, Status.SHIPPED, Status.DRAFT][: 1 + n % 4]):
        order = ProductionOrderFactory(factory=factory, status=status, due_date=timezone.localdate())
        ProductionOrderLineFactory(order=order, quantity=10)
        FactoryPayment.objects.create(factory=factory, order=order, kind="adjustment", amount=Decimal("10.00"), actor="t")
        if status == Status.SHIPPED:
            for to_status, days in (("accepted", -20), ("shipped", i - 2)):
                event = ProductionEvent.objects.create(order=order, to_status=to_status, actor="mill")
                ProductionEvent.objects.filter(pk=event.pk).update(created_at=now + datetime.timedelta(days=days))
            QcReport.objects.create(
                order=order, sample_size=50, major=1, minor=1, aql_major="2.5", aql_minor="4.0",
                accept_major=3, accept_minor=5, passed=True, actor="mill",
            )


@pytest.mark.parametrize("count", [1, 30])
def test_list_shows_every_factory_in_the_same_few_queries(staff, django_assert_max_num_queries, count):
    factories = [FactoryFactory(name=f"Mill {i:02d}", categories=["blanket", "throw"]) for i in range(count)]
    for i, factory in enumerate(factories):
        add_history(factory, n=i)
    with django_assert_max_num_queries(8):
        response = staff.get(reverse("production:factories"))
    assert response.status_code == 200
    rows = {f.name: f for f in response.context["factories"]}
    assert len(rows) == count
    html = response.content.decode()
    for factory in factories:
        row = rows[factory.name]
        expected = selectors.factory_scorecard(factory=factory)
        assert row.scorecard["on_time_rate"] == expected["on_time_rate"]
        assert row.scorecard["defect_rate"] == expected["defect_rate"]
        assert row.scorecard["shipped_orders"] == expected["shipped_orders"]
        assert row.open_orders == factory.orders.filter(status__in=selectors.OPEN_STATUSES).count()
        assert row.balance_due == sum(factory.payments.values_list("amount", flat=True))
        assert f'href="{reverse("production:factory", args=[factory.pk])}"' in html


def test_list_columns_for_a_factory_with_and_without_history(staff):
    busy = FactoryFactory(name="Busy Mill", min_batch=300, lead_time_days=25, weekly_capacity=900)
    FactoryFactory(name="Idle Mill")
    add_history(busy, n=3)
    row_of = {f.name: f for f in staff.get(reverse("production:factories")).context["factories"]}
    assert (row_of["Busy Mill"].open_orders, row_of["Busy Mill"].balance_due) == (2, Decimal("40.00"))
    assert row_of["Busy Mill"].scorecard["on_time_rate"] == 1.0
    assert row_of["Busy Mill"].scorecard["defect_rate"] == pytest.approx(2 / 50)
    assert (row_of["Idle Mill"].open_orders, row_of["Idle Mill"].balance_due) == (0, Decimal("0.00"))
    assert row_of["Idle Mill"].scorecard["on_time_rate"] is None
    html = staff.get(reverse("production:factories")).content.decode()
    for text in ("Busy Mill", "blanket", "300", "25 d", "900", "40.00", "100%", "4.0%", "—"):
        assert text in html, text


def test_scorecards_agree_with_the_single_factory_scorecard_on_real_transitions():
    factory = FactoryFactory(name="Real Mill")
    order = ProductionOrderFactory(
        factory=factory, status=Status.RELEASED, unit_price=Decimal("10.00"),
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    ProductionOrderLineFactory(order=order, quantity=100)
    services.production_order_accept(order_id=order.pk, actor="mill")
    services.production_order_progress(order_id=order.pk, cut=100, sewn=100, packed=100, actor="mill")
    services.production_order_qc_report(order_id=order.pk, sample_size=50, critical=0, major=1, minor=2, actor="mill")
    services.production_order_ship(
        order_id=order.pk, carrier="Sea", tracking_number="R1", cartons=2, weight_kg="20", actor="mill"
    )
    card = selectors.factory_scorecards(factory_ids=[factory.pk])[factory.pk]
    expected = selectors.factory_scorecard(factory=factory)
    assert card == {k: expected[k] for k in card}
    assert card["on_time_rate"] == 0.0 and card["defect_rate"] == pytest.approx(3 / 50)


def test_list_is_linked_from_the_order_list_and_the_factory_page(staff, mill):
    url = reverse("production:factories")
    assert f'href="{url}"' in staff.get(reverse("production:list")).content.decode()
    page = staff.get(reverse("production:factory", args=[mill.pk])).content.decode()
    assert f'href="{url}"' in page
    assert f'href="{reverse("production:factory_edit", args=[mill.pk])}"' in page
    assert f'href="{reverse("production:factory_create")}"' in staff.get(url).content.decode()


def test_empty_list_offers_to_add_a_factory(staff):
    html = staff.get(reverse("production:factories")).content.decode()
    assert "No factories yet" in html


@pytest.mark.parametrize("extra_keys", [0, 20])
def test_factory_page_lists_keys_active_first_in_bounded_queries(staff, mill, django_assert_max_num_queries, extra_keys):
    for i in range(extra_keys):
        services.factory_api_key_create(factory=mill, name=f"key {i}")
    revoked = mill.api_keys.get(name="first key")
    services.factory_api_key_revoke(key_id=revoked.pk)
    with django_assert_max_num_queries(14):
        response = staff.get(reverse("production:factory", args=[mill.pk]))
    keys = list(response.context["api_keys"])
    assert len(keys) == 1 + extra_keys
    assert keys[-1] == revoked and all(k.revoked_at is None for k in keys[:-1])
