"""Reorder or stop: sales matched to batches, the rule firing on the right day, decisions recorded once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from production.models import ProductionEvent, ProductionOrder, ReorderDecision, ReorderDecisionEvent, ReorderRule
from production.reorder_rules import (
    HOLD,
    REORDER,
    STOP,
    WAIT,
    Batch,
    RuleError,
    Thresholds,
    rule_verdict,
    sales_allocate,
)
from production.services import (
    reorder_decision_accept,
    reorder_decision_dismiss,
    reorder_rule_set,
    reorder_rules_check,
)
from production.tests.factories import ProductionOrderFactory, ProductionOrderLineFactory

D0 = dt.date(2026, 1, 1)  # received: day 1


def day(n: int) -> dt.date:
    """The date of day ``n`` after receipt (the receipt day is day 1)."""
    return D0 + dt.timedelta(days=n - 1)


def daily(per_day: int, days: int, *, variant_id=1, market="US", start=1) -> list[dict]:
    return [{"variant_id": variant_id, "market": market, "date": day(n), "quantity": per_day} for n in range(start, start + days)]


# --- matching sales to batches ------------------------------------------------------------------------------


def test_sales_go_to_the_oldest_batch_first_and_pre_sales_count_on_the_receipt_day():
    first = Batch(batch_id=1, variant_id=7, market="US", received_on=day(1), units=10)
    second = Batch(batch_id=2, variant_id=7, market="US", received_on=day(20), units=10)
    sales = [
        {"variant_id": 7, "market": "us", "date": day(1) - dt.timedelta(days=5), "quantity": 4},  # a pre-sale
        {"variant_id": 7, "market": "US", "date": day(3), "quantity": 8},
        {"variant_id": 7, "market": "US", "date": day(25), "quantity": 11},
    ]
    allocation = sales_allocate([second, first], sales)
    # 4 pre-sold + 6 of day 3 empty the first batch; 2 of day 3 and 8 of day 25 go to the second; 3 unmet.
    assert allocation.sold[1] == {day(1): 4, day(3): 6}
    assert allocation.sold[2] == {day(20): 2, day(25): 8}
    assert allocation.unmatched == {(7, "US"): 3}
    assert allocation.first_placed[1] == day(1) - dt.timedelta(days=5)
    assert allocation.sold_units(1, until=day(2)) == 4


@pytest.mark.parametrize(
    "row, field",
    [
        ({"variant_id": 1, "market": "US", "date": "2026-01-01", "quantity": 1}, "date"),
        ({"variant_id": 1, "market": "US", "date": D0, "quantity": -1}, "quantity"),
        ({"market": "US", "date": D0, "quantity": 1}, "variant_id"),
    ],
)
def test_malformed_sales_are_refused_naming_the_row(row, field):
    with pytest.raises(RuleError, match=r"sales\[0\]"):
        sales_allocate([], [row])


# --- the verdict by day ---------------------------------------------------------------------------------------


def verdict_on(n: int, sales: list[dict], *, units=100, **thresholds):
    sold = sales_allocate([Batch(1, 1, "US", D0, units)], sales).sold.get(1, {})
    return rule_verdict(thresholds=Thresholds(**thresholds), received_on=D0, units=units, sold_by_day=sold, today=day(n))


def test_a_slow_seller_waits_until_the_check_day_and_is_stopped_on_it():
    sales = daily(1, 40)  # 1 a day of 100: 13% sold by day 13, 14% by day 14
    assert verdict_on(13, sales).verdict == WAIT
    stop = verdict_on(14, sales)
    assert stop.verdict == STOP
    assert stop.numbers["sold"] == 14 and stop.numbers["sell_through"] == 0.14
    assert "14% < 20% by day 14" in stop.reason


def test_a_good_seller_is_reordered_on_the_check_day_by_sell_through():
    sales = daily(5, 40)  # 5 a day of 200: 35% by day 14, cover 26 days
    rule = {"units": 200, "reorder_sell_through": 0.3, "reorder_cover_days": 10}
    assert verdict_on(13, sales, **rule).verdict == WAIT
    reorder = verdict_on(14, sales, **rule)
    assert reorder.verdict == REORDER and reorder.numbers["sell_through"] == 0.35
    # 5 a day over the cover of 10 days (no lead time given) less the 130 left: nothing more is needed but 1.
    assert reorder.numbers["quantity"] == 1


def test_a_fast_seller_is_reordered_before_the_check_day_when_its_cover_runs_short():
    sales = daily(5, 40)  # 200 units: cover (200 − 5n) / 5 = 40 − n days
    rule = {"units": 200, "reorder_sell_through": 0.9, "reorder_cover_days": 30, "stop_cover_days": 300}
    assert verdict_on(10, sales, **rule).verdict == WAIT  # cover 30.0: not under 30
    reorder = verdict_on(11, sales, **rule)
    assert reorder.verdict == REORDER and reorder.numbers["cover_days"] == 29.0 and reorder.numbers["day"] == 11


def test_between_the_thresholds_the_batch_is_held_and_a_sold_out_batch_is_reordered():
    assert verdict_on(14, daily(3, 14)).verdict == REORDER  # 42 left at 3 a day: cover 14 < 35
    held = verdict_on(14, daily(3, 14), units=200, reorder_cover_days=10)  # 21%, cover 52 days
    assert held.verdict == HOLD
    assert verdict_on(5, daily(30, 5)).reason == "sold out by day 5"  # 100 gone on day 4, judged on day 5


def test_thresholds_out_of_order_are_refused():
    with pytest.raises(RuleError, match="stop_sell_through"):
        Thresholds(stop_sell_through=0.7, reorder_sell_through=0.6)
    with pytest.raises(RuleError, match="check_day"):
        Thresholds(check_day=0)


# --- the stored rule and its decisions -------------------------------------------------------------------------


@pytest.fixture
def received(db):
    order = ProductionOrderFactory(status=ProductionOrder.Status.RECEIVED)
    line = ProductionOrderLineFactory(order=order, market="US", quantity=100)
    event = ProductionEvent.objects.create(order=order, from_status="shipped", to_status="received", actor="merch")
    ProductionEvent.objects.filter(pk=event.pk).update(created_at=dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC))
    return order, line.variant_id


def test_the_daily_check_stores_the_default_rule_and_records_a_stop_on_the_check_day(received, django_assert_max_num_queries):
    order, variant = received
    sales = daily(1, 40, variant_id=variant)
    report = reorder_rules_check(sales=sales, today=day(13))
    assert report.verdicts == {WAIT: 1} and report.decisions == []
    rule = ReorderRule.objects.get(order=order)
    assert (rule.check_day, rule.last_checked_on, rule.last_verdict) == (14, day(13), WAIT)

    with django_assert_max_num_queries(9):
        report = reorder_rules_check(sales=sales, today=day(14))
    [decision] = ReorderDecision.objects.all()
    assert (decision.rule, decision.decided_on, decision.verdict, decision.status) == (rule, day(14), STOP, "proposed")
    assert decision.numbers["sold"] == 14 and decision.numbers["units"] == 100
    assert ReorderDecisionEvent.objects.get(decision=decision).to_status == "proposed"

    # The same day again, and the next day while the stop is still proposed: nothing new.
    reorder_rules_check(sales=sales, today=day(14))
    reorder_rules_check(sales=sales, today=day(15))
    assert ReorderDecision.objects.count() == 1
    # Dismissed, the next check proposes it again with that day's numbers.
    reorder_decision_dismiss(decision_id=decision.pk, actor="merch", note="give it a week")
    reorder_rules_check(sales=sales, today=day(16))
    assert list(ReorderDecision.objects.values_list("decided_on", "status")) == [
        (day(16), "proposed"), (day(14), "dismissed"),
    ]


def test_a_decision_moves_once_through_its_transitions(received):
    order, variant = received
    reorder_rules_check(sales=daily(30, 5, variant_id=variant), today=day(5))
    decision = ReorderDecision.objects.get()
    assert decision.verdict == REORDER and decision.quantity >= 1
    reorder_decision_accept(decision_id=decision.pk, actor="merch")
    with pytest.raises(ValidationError, match="accepted and cannot become dismissed"):
        reorder_decision_dismiss(decision_id=decision.pk, actor="merch")
    assert [e.to_status for e in decision.events.order_by("id")] == ["proposed", "accepted"]


def test_a_rule_is_stored_with_the_merchandisers_thresholds_and_bad_ones_store_nothing(received):
    order, _variant = received
    rule = reorder_rule_set(order=order, actor="merch", check_day=21, reorder_sell_through=Decimal("0.5"))
    assert (rule.check_day, rule.reorder_sell_through, rule.stop_sell_through) == (21, Decimal("0.5"), Decimal("0.200"))
    with pytest.raises(ValidationError) as error:
        reorder_rule_set(order=order, actor="merch", stop_sell_through=Decimal("0.7"))
    assert "stop_sell_through" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        reorder_rule_set(order=order, actor="merch", check_day=0, colour="red")
    assert "colour" in error.value.message_dict
    rule.refresh_from_db()
    assert (rule.check_day, rule.stop_sell_through) == (21, Decimal("0.200"))


def test_hostile_sales_rows_are_refused_and_nothing_is_stored(received):
    with pytest.raises(ValidationError) as error:
        reorder_rules_check(sales=[{"variant_id": "x", "market": "US", "date": D0, "quantity": 1}], today=day(14))
    assert "sales" in error.value.message_dict
    assert not ReorderDecision.objects.exists()


def test_receiving_an_order_stores_its_rule(db):
    from production.services import production_order_receive

    order = ProductionOrderFactory(status=ProductionOrder.Status.SHIPPED)
    ProductionOrderLineFactory(order=order, quantity=50)
    production_order_receive(order_id=order.pk, actor="merch")
    assert ReorderRule.objects.filter(order=order, check_day=14).exists()


def test_the_order_page_shows_and_saves_its_rule(received, staff_client):
    order, _variant = received
    url = f"/production/{order.pk}/"
    body = staff_client.get(url).content.decode()
    assert "Reorder or stop" in body and "Not stored yet: these are the defaults." in body
    fields = {"check_day": 10, "reorder_sell_through": "0.5", "stop_sell_through": "0.1", "reorder_cover_days": 30,
              "stop_cover_days": 90, "velocity_window_days": 7}
    response = staff_client.post(f"/production/{order.pk}/reorder-rule/", fields)
    assert response.status_code == 302
    rule = ReorderRule.objects.get(order=order)
    assert (rule.check_day, rule.reorder_sell_through, rule.stop_cover_days) == (10, Decimal("0.5"), 90)
    # Stop at or above reorder is refused with the reason; the stored rule stays as it was.
    response = staff_client.post(f"/production/{order.pk}/reorder-rule/", fields | {"stop_sell_through": "0.6"}, follow=True)
    assert "Must be below the reorder sell-through." in response.content.decode()
    rule.refresh_from_db()
    assert rule.stop_sell_through == Decimal("0.1")
    response = staff_client.post(f"/production/{order.pk}/reorder-rule/", fields | {"check_day": "<script>"}, follow=True)
    assert "Enter a whole number." in response.content.decode() and ReorderRule.objects.get(order=order).check_day == 10


def test_only_merchandisers_set_a_rule(received, client, django_user_model):
    order, _variant = received
    url = f"/production/{order.pk}/reorder-rule/"
    assert client.post(url, {"check_day": 3}).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("shopper", password="x"))
    assert client.post(url, {"check_day": 3}).status_code == 403
    assert not ReorderRule.objects.filter(order=order).exists()


def test_the_reorders_page_lists_decisions_and_moves_them(received, staff_client):
    order, variant = received
    reorder_rules_check(sales=daily(1, 20, variant_id=variant), today=day(14))
    decision = ReorderDecision.objects.get()
    body = staff_client.get("/reorders/").content.decode()
    assert order.reference in body and "sell-through 14% &lt; 20% by day 14" in body and "Accept" in body
    response = staff_client.post(f"/reorders/decisions/{decision.pk}/accept/")
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "accepted"
    # A second move is refused with the reason, shown as a message; an unknown move or decision is a 404.
    response = staff_client.post(f"/reorders/decisions/{decision.pk}/dismiss/", follow=True)
    assert "cannot become dismissed" in response.content.decode()
    assert staff_client.post(f"/reorders/decisions/{decision.pk}/explode/").status_code == 404
    assert staff_client.post("/reorders/decisions/999999/accept/").status_code == 404
    assert staff_client.get(f"/reorders/decisions/{decision.pk}/accept/").status_code == 405


def test_the_command_checks_on_the_day_given(received, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("check_reorder_rules", "--date", day(13).isoformat())
    assert capsys.readouterr().out.strip() == "2026-01-13: 1 orders checked (1 wait); 0 new decisions"
    with pytest.raises(CommandError, match="--date must be a date"):
        call_command("check_reorder_rules", "--date", "13/01/2026")
