"""A customer's consent, their data as a file, their erasure: who did it, and revenue and portraits unchanged."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Customer, CustomerEvent, Order, Review, ReviewSource, SalesMonth
from customers.selectors import customer_data, customers_with_marketing_consent
from customers.services import (
    customer_consent_set, customer_erase, orders_import, sales_figures_refresh,
)
from portraits.selectors_frames import customer_base_frames

from .factories import CustomerFactory, CycleFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture
def imported():
    CycleFactory(number=1)
    [report] = orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export_2024.csv"])
    assert report.ok, report.problems
    return Customer.objects.get(external_id="ava.m@example.org")


def test_erasure_removes_the_person_and_keeps_revenue_and_portraits_right(imported, staff_client):
    sales_figures_refresh()
    revenue = list(SalesMonth.objects.values_list("month", "market", "orders", "net_base", "gross_base"))
    as_of = timezone.now()
    base = customer_base_frames(as_of=as_of)
    figures = (imported.order_count, imported.net_spend_base, imported.first_order_at, imported.country)

    response = staff_client.post(f"/customers/{imported.pk}/erase/", {"confirm": "ERASE", "reason": "asked by email"})
    assert response.status_code == 302
    erased = Customer.objects.get(pk=imported.pk)
    assert (erased.email, erased.name, erased.marketing_consent, erased.consent_source) == ("", "", False, "")
    assert erased.external_id.startswith("erased:") and "ava" not in erased.external_id
    assert erased.erased_at is not None and str(erased) == f"Erased customer #{erased.pk}"
    assert (erased.order_count, erased.net_spend_base, erased.first_order_at, erased.country) == figures
    assert Order.objects.filter(customer=erased).count() == 2
    event = erased.events.get(kind=CustomerEvent.Kind.ERASED)
    assert (event.actor, event.note) == ("merch", "asked by email")

    sales_figures_refresh()
    assert list(SalesMonth.objects.values_list("month", "market", "orders", "net_base", "gross_base")) == revenue
    again = customer_base_frames(as_of=as_of)
    assert again.orders.equals(base.orders) and again.lines.equals(base.lines)
    page = staff_client.get(f"/customers/{erased.pk}/").content.decode()
    assert "ava.m@example.org" not in page and "Ava M" not in page and "erased" in page


def test_erasure_takes_the_name_shown_with_their_reviews_and_keeps_the_reviews(imported, staff_client):
    product = imported.orders.first().lines.first().product
    review = Review.objects.create(
        product=product, customer=imported, source=ReviewSource.SHOPIFY, rating=2, title="Too thin", text="Thin.",
        created_at=imported.last_order_at, reviewer="Ava M.", country="DE",
    )
    other = Review.objects.create(
        product=product, source=ReviewSource.SHOPIFY, rating=5, text="Soft.", created_at=imported.last_order_at,
        reviewer="Bo",
    )
    exported = customer_data(customer=imported)
    assert [(r["reviewer"], r["rating"], r["title"]) for r in exported["reviews"]] == [("Ava M.", 2, "Too thin")]

    customer_erase(customer_id=imported.pk, actor="merch")
    review.refresh_from_db()
    other.refresh_from_db()
    assert (review.reviewer, review.customer_id, review.rating, review.text, review.country) == (
        "", imported.pk, 2, "Thin.", "DE",
    )
    assert other.reviewer == "Bo"
    page = staff_client.get(f"/customers/{imported.pk}/").content.decode()
    assert "Ava M" not in page and "Thin." in page


def test_importing_the_same_orders_after_erasure_does_not_bring_the_person_back(imported):
    customer_erase(customer_id=imported.pk, actor="merch")
    [again] = orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export_2024.csv"])
    assert again.ok and (again.orders_new, again.customers_new) == (0, 0)
    assert not Customer.objects.filter(email="ava.m@example.org").exists()
    assert not Customer.objects.filter(external_id="ava.m@example.org").exists()
    assert Customer.objects.get(pk=imported.pk).orders.count() == 2


def test_erasing_twice_is_refused_with_the_date(imported):
    customer_erase(customer_id=imported.pk, actor="merch")
    with pytest.raises(ValidationError, match="was already erased"):
        customer_erase(customer_id=imported.pk, actor="merch")
    with pytest.raises(ValidationError, match="Say who"):
        customer_erase(customer_id=CustomerFactory().pk, actor=" ")


def test_erase_needs_the_typed_confirmation(imported, staff_client):
    response = staff_client.post(f"/customers/{imported.pk}/erase/", {"confirm": "yes"})
    assert response.status_code == 400 and "Type ERASE to confirm" in response.content.decode()
    assert Customer.objects.get(pk=imported.pk).erased_at is None


def test_a_customers_data_downloads_as_json_and_csv_and_the_download_is_noted(imported, staff_client):
    response = staff_client.get(f"/customers/{imported.pk}/export/?as=json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert f'filename="customer-{imported.pk}.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["customer"]["email"] == "ava.m@example.org"
    assert [o["order"] for o in data["orders"]] == ["#1001", "#1007"]
    assert {line["sku"] for line in data["orders"][0]["lines"]} == {"HT-BL-001", "HT-BL-002"}

    response = staff_client.get(f"/customers/{imported.pk}/export/?as=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["order", "placed_at", "market"] and len(rows) == 4
    assert [e.note for e in imported.events.filter(kind=CustomerEvent.Kind.EXPORTED).order_by("id")] == [
        "exported as json", "exported as csv"]
    assert customer_data(customer=imported)["customer"]["marketing_consent"] is True


def test_consent_set_in_the_dashboard_stands_against_later_imports(imported, staff_client, tmp_path):
    assert imported.marketing_consent and imported in customers_with_marketing_consent(market="US")
    response = staff_client.post(f"/customers/{imported.pk}/consent/", {"consent": "no", "note": "unsubscribed by phone"})
    assert response.status_code == 302
    imported.refresh_from_db()
    assert (imported.marketing_consent, imported.consent_source) == (False, "dashboard")
    assert imported.events.get(kind=CustomerEvent.Kind.CONSENT).note == "marketing consent withdrawn: unsubscribed by phone"
    orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export_2024.csv"])  # says "yes" again
    imported.refresh_from_db()
    assert not imported.marketing_consent
    assert imported not in customers_with_marketing_consent()

    customer_consent_set(customer_id=imported.pk, consent=True, actor="merch")
    imported.refresh_from_db()
    assert imported.marketing_consent and imported in customers_with_marketing_consent()
    assert imported.events.filter(kind=CustomerEvent.Kind.CONSENT).count() == 2


def test_consent_of_an_erased_customer_cannot_be_set_and_is_never_selected(imported):
    customer_erase(customer_id=imported.pk, actor="merch")
    with pytest.raises(ValidationError, match="erased"):
        customer_consent_set(customer_id=imported.pk, consent=True, actor="merch")
    Customer.objects.filter(pk=imported.pk).update(marketing_consent=True)
    assert not customers_with_marketing_consent().filter(pk=imported.pk).exists()


def test_customer_pages_hold_no_address_or_phone(imported):
    stored = " ".join(str(v) for v in Customer.objects.values_list().get(pk=imported.pk))
    assert "Leave at the door" not in stored
    assert not [f.name for f in Customer._meta.get_fields() if f.name in ("address", "phone", "street", "city", "zip")]
    assert Decimal(imported.net_spend_base) > 0
