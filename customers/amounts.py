"""What an order is worth: the one place the money rules live. Pure: no Django.

- **gross**: the merchandise at list prices, before any discount (the sum of unit price × quantity; for
  an order without lines, its subtotal plus its discount, else its total).
- **discount**: the order's discount as the shop reports it (Shopify's *Discount Amount* includes line
  discounts), else the sum of its lines' discounts.
- **net**: gross less discount less refunded, never below 0; a fully refunded order nets 0. Shops report
  a refund as one amount (merchandise, shipping and taxes together), so it is deducted whole.
- An order that is **no sale** (cancelled, or its payment voided) counts for 0 gross and 0 net; its own
  total stays on the record.
- Shipping and taxes are kept beside, outside gross and net; taxes included in prices stay included.
- **Base currency**: amounts × the order's rate (base units per unit of its currency), to the cent.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .importers.records import REFUNDED, VOIDED, ZERO, OrderRecord

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class OrderAmounts:
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    taxes: Decimal
    total: Decimal
    refunded: Decimal
    gross: Decimal
    net: Decimal
    is_sale: bool
    item_count: int
    line_amounts: tuple[Decimal, ...]


def order_amounts(record: OrderRecord) -> OrderAmounts:
    lines = record.lines
    line_gross = [line.unit_price * line.quantity for line in lines]
    line_amounts = tuple(max(g - line.discount, ZERO).quantize(CENT) for g, line in zip(line_gross, lines))
    line_discounts = sum((line.discount for line in lines), ZERO)
    discount = record.discount or line_discounts
    if lines:
        gross = sum(line_gross, ZERO)
    elif record.subtotal is not None:
        gross = record.subtotal + discount
    else:
        gross = record.total or ZERO
    subtotal = record.subtotal if record.subtotal is not None else max(gross - discount, ZERO)
    total = record.total if record.total is not None else subtotal + record.shipping + record.taxes
    is_sale = not record.cancelled and record.financial_status != VOIDED
    if not is_sale:
        counted_gross = counted_net = ZERO
    else:
        counted_gross = gross
        counted_net = ZERO if record.financial_status == REFUNDED else max(gross - discount - record.refunded, ZERO)
    return OrderAmounts(
        subtotal=subtotal.quantize(CENT), discount=discount.quantize(CENT), shipping=record.shipping, taxes=record.taxes,
        total=total.quantize(CENT), refunded=record.refunded, gross=counted_gross.quantize(CENT),
        net=counted_net.quantize(CENT), is_sale=is_sale, item_count=sum(line.quantity for line in lines),
        line_amounts=line_amounts,
    )


def base_rate(currency: str, *, base: str, per_usd: dict[str, Decimal]) -> Decimal | None:
    """Base currency units for one unit of ``currency`` at rates given as units per US dollar; None when
    either rate is missing."""
    if currency == base:
        return Decimal(1)
    if currency not in per_usd or base not in per_usd:
        return None
    return (Decimal(per_usd[base]) / Decimal(per_usd[currency])).quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)


def to_base(amount: Decimal, rate: Decimal | None) -> Decimal | None:
    if rate is None:
        return None
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
