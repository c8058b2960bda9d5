"""Merchandiser pages of link 5: board, order page, factory scorecard, payments due, receiving."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from production import services
from production.models import FactoryPayment, ProductionOrder

from .factories import FactoryFactory, ProductionOrderFactory, ProductionOrderLineFactory

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status


def shipped_order(factory=None, *, tracking="T-1"):
    order = ProductionOrderFactory(factory=factory or FactoryFactory(), status=Status.RELEASED, unit_price=Decimal("10.00"))
    ProductionOrderLineFactory(order=order, quantity=300)
    services.production_order_accept(order_id=order.pk, actor="mill")
    services.production_order_progress(order_id=order.pk, cut=300, sewn=300, packed=300, actor="mill")
    services.production_order_qc_report(order_id=order.pk, sample_size=50, critical=0, major=1, minor=2, actor="mill")
    services.production_order_ship(order_id=order.pk, carrier="Sea", tracking_number=tracking, cartons=5, weight_kg="80", actor="mill")
    order.refresh_from_db()
    return order


@pytest.mark.parametrize("name", ["production:board", "production:payments"])
def test_pages_need_staff(client, name):
    response = client.get(reverse(name))
    assert response.status_code in (302, 403)
    user = get_user_model().objects.create_user("shopper", password="pw")
    client.force_login(user)
    assert client.get(reverse(name)).status_code in (302, 403)


@pytest.mark.parametrize("extra", [0, 19])
def test_board_shows_orders_by_state_in_bounded_queries(staff, django_assert_max_num_queries, extra):
    factory = FactoryFactory(name="Board Mill")
    for i in range(1 + extra):
        order = ProductionOrderFactory(factory=factory, status=Status.IN_PRODUCTION if i % 2 else Status.RELEASED)
        ProductionOrderLineFactory(order=order, quantity=10)
    with django_assert_max_num_queries(16):
        response = staff.get(reverse("production:board"))
    assert response.status_code == 200
    columns = {status: (orders, count) for _, status, orders, count in response.context["columns"]}
    assert columns["released"][1] == (extra // 2) + 1
    assert b"Board Mill" in response.content and b"Shared components" in response.content


def test_order_page_shows_progress_qc_shipment_and_payments(staff):
    order = shipped_order()
    response = staff.get(reverse("production:detail", args=[order.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    for needle in ("Packed 300 of 300", "pass", "Sea T-1", "Deposit due on acceptance", "Mark received", "qc_passed"):
        assert needle in text, needle


def test_receive_form_receives_the_order_with_its_landed_cost(staff):
    order = shipped_order()
    response = staff.post(reverse("production:receive", args=[order.pk]), {"actual_landed_cost": "3550.00", "note": "all good"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.RECEIVED
    assert order.shipments.get().actual_landed_cost == Decimal("3550.00")
    assert order.events.last().actor == "merch"


@pytest.mark.parametrize("body", [{"actual_landed_cost": "-5"}, {"actual_landed_cost": "abc"}, {"note": "x" * 2001}])
def test_receive_form_refuses_bad_input_and_changes_nothing(staff, body):
    order = shipped_order()
    response = staff.post(reverse("production:receive", args=[order.pk]), body, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    order.refresh_from_db()
    assert order.status == Status.SHIPPED


def test_receiving_twice_shows_the_reason(staff):
    order = shipped_order()
    url = reverse("production:receive", args=[order.pk])
    staff.post(url, {})
    response = staff.post(url, {}, follow=True)
    assert "cannot become received" in " ".join(str(m) for m in response.context["messages"])
    assert order.events.filter(to_status="received").count() == 1


def test_receive_is_post_only_and_staff_only(client, staff):
    order = shipped_order()
    assert staff.get(reverse("production:receive", args=[order.pk])).status_code == 405
    client.logout()
    client.post(reverse("production:receive", args=[order.pk]), {})
    order.refresh_from_db()
    assert order.status == Status.SHIPPED


def test_factory_page_has_scorecard_ledger_and_groups(staff):
    factory = FactoryFactory(name="Score Mill")
    shipped_order(factory)
    services.factory_payment_record(factory=factory, amount="500", actor="finance")
    response = staff.get(reverse("production:factory", args=[factory.pk]))
    text = response.content.decode()
    assert response.context["scorecard"]["shipped_orders"] == 1
    assert response.context["balance_due"] == Decimal("2500.00")
    for needle in ("On time", "Defect rate at QC", "Lead time", "Ledger", "Payment made"):
        assert needle in text


def test_payments_page_lists_balance_due_per_factory(staff, django_assert_max_num_queries):
    first, second = FactoryFactory(name="Alpha Mill"), FactoryFactory(name="Beta Mill")
    shipped_order(first, tracking="A1")
    shipped_order(second, tracking="B1")
    services.factory_payment_record(factory=second, amount="3000", actor="finance")
    with django_assert_max_num_queries(6):
        response = staff.get(reverse("production:payments"))
    balances = {f.name: f.balance_due for f in response.context["balances"]}
    assert balances == {"Alpha Mill": Decimal("3000.00"), "Beta Mill": Decimal("0.00")}
    assert response.context["totals_due"] == [("USD", Decimal("3000.00"))]
    assert "$3,000.00" in response.content.decode()
    assert FactoryPayment.objects.count() == 5


def test_balances_in_two_currencies_are_never_summed_into_one(staff):
    factory = FactoryFactory(name="Gamma Mill")
    for amount, currency in [("1200", "EUR"), ("300", "USD")]:
        FactoryPayment.objects.create(
            factory=factory, kind=FactoryPayment.Kind.DEPOSIT, amount=Decimal(amount), currency=currency, actor="finance"
        )
    response = staff.get(reverse("production:payments"))
    assert response.context["totals_due"] == [("EUR", Decimal("1200.00")), ("USD", Decimal("300.00"))]
    html = response.content.decode()
    assert "in 2 currencies" in html and "€1,200.00" in html and "$300.00" in html and "1,500" not in html
    detail = staff.get(reverse("production:factory", args=[factory.pk])).content.decode()
    assert "€1,200.00" in detail and "$300.00" in detail


def test_admin_enters_a_payment_through_the_ledger(admin_client):
    factory = FactoryFactory()
    response = admin_client.post(
        reverse("admin:production_factorypayment_add"),
        {"factory": factory.pk, "kind": "payment", "amount": "120.00", "note": "wire"},
    )
    assert response.status_code == 302
    assert FactoryPayment.objects.get().amount == Decimal("-120.00")
    response = admin_client.post(
        reverse("admin:production_factorypayment_add"), {"factory": factory.pk, "kind": "adjustment", "amount": "5", "note": ""}
    )
    assert response.status_code == 200 and FactoryPayment.objects.count() == 1
