"""The money rules of an order (customers.amounts), without a database."""

from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from customers.amounts import base_rate, order_amounts, to_base
from customers.importers import LineRecord, OrderRecord

WHEN = datetime(2025, 1, 1, tzinfo=timezone.utc)
money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)


def _order(**fields) -> OrderRecord:
    lines = fields.pop("lines", [LineRecord(2, "S", "T", 2, Decimal("30.00"), Decimal("5.00"))])
    return OrderRecord(line=2, external_id="#1", placed_at=WHEN, currency="EUR", lines=lines, **fields)


def test_gross_is_list_prices_net_is_after_discount_and_refund():
    amounts = order_amounts(_order(discount=Decimal("10.00"), refunded=Decimal("15.00"), shipping=Decimal("4.90"),
                                   financial_status="partially_refunded"))
    assert (amounts.gross, amounts.discount, amounts.net, amounts.item_count) == (
        Decimal("60.00"), Decimal("10.00"), Decimal("35.00"), 2)
    assert amounts.subtotal == Decimal("50.00") and amounts.total == Decimal("54.90")
    assert amounts.line_amounts == (Decimal("55.00"),)
    # Without an order discount the lines' discounts count.
    assert order_amounts(_order()).discount == Decimal("5.00")


def test_a_cancelled_voided_or_refunded_order_nets_nothing():
    assert order_amounts(_order(cancelled=True)).gross == order_amounts(_order(cancelled=True)).net == 0
    assert not order_amounts(_order(financial_status="voided")).is_sale
    refunded = order_amounts(_order(financial_status="refunded", refunded=Decimal("1.00")))
    assert refunded.is_sale and refunded.gross == Decimal("60.00") and refunded.net == 0


def test_an_order_without_lines_is_worth_its_subtotal_or_total():
    assert order_amounts(_order(lines=[], subtotal=Decimal("40.00"), discount=Decimal("5.00"))).gross == Decimal("45.00")
    assert order_amounts(_order(lines=[], total=Decimal("12.00"))).gross == Decimal("12.00")


def test_base_rates_from_units_per_dollar():
    per_usd = {"USD": Decimal("1"), "EUR": Decimal("0.92"), "JPY": Decimal("150")}
    assert base_rate("USD", base="USD", per_usd={}) == 1
    assert base_rate("EUR", base="USD", per_usd=per_usd) == Decimal("1.08695652")
    assert base_rate("JPY", base="EUR", per_usd=per_usd) == Decimal("0.00613333")
    assert base_rate("ZAR", base="USD", per_usd=per_usd) is None
    assert to_base(Decimal("100.00"), None) is None
    assert to_base(Decimal("100.00"), Decimal("1.08695652")) == Decimal("108.70")


@given(
    st.lists(st.tuples(st.integers(1, 50), money, money), min_size=0, max_size=6), money, money,
    st.sampled_from(["paid", "partially_refunded", "refunded", "voided", "pending", ""]), st.booleans(),
)
def test_net_is_never_negative_nor_above_gross(lines, discount, refunded, status, cancelled):
    records = [LineRecord(i, f"S{i}", "T", q, p, min(d, p * q)) for i, (q, p, d) in enumerate(lines)]
    amounts = order_amounts(_order(lines=records, discount=discount, refunded=refunded, financial_status=status,
                                   cancelled=cancelled))
    assert 0 <= amounts.net <= amounts.gross
    assert all(amount >= 0 for amount in amounts.line_amounts)
    if cancelled or status == "voided":
        assert amounts.gross == amounts.net == 0 and not amounts.is_sale
    assert amounts.item_count == sum(q for q, _, _ in lines)
