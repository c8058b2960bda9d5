"""The factory ledger: what is owed to each factory and what was paid."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Factory, FactoryPayment, ProductionOrder

CENT = Decimal("0.01")


def production_order_value(*, order: ProductionOrder) -> Decimal:
    return (order.unit_price * sum(line.quantity for line in order.lines.all())).quantize(CENT)


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: [f"Not a number: {value!r}."]}) from exc
    if not amount.is_finite() or abs(amount) >= Decimal("1e10") or amount != amount.quantize(CENT):
        raise ValidationError({field: [f"Must be an amount with at most 2 decimals, got {value!r}."]})
    return amount


def factory_payment_due_record(*, order: ProductionOrder, kind: str, actor: str) -> FactoryPayment:
    """Write the deposit (on accept) or the balance (on QC pass) of ``order``, once.

    Called inside the transition's transaction; a second call for the same order and
    kind returns the entry already written.
    """
    existing = FactoryPayment.objects.filter(order=order, kind=kind).first()
    if existing:
        return existing
    value = production_order_value(order=order)
    if kind == FactoryPayment.Kind.DEPOSIT:
        amount = (value * order.factory.deposit_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        note = f"{order.factory.deposit_percent}% of {order.currency} {value}"
    elif kind == FactoryPayment.Kind.BALANCE:
        deposit = FactoryPayment.objects.filter(order=order, kind=FactoryPayment.Kind.DEPOSIT).first()
        amount = value - (deposit.amount if deposit else Decimal("0"))
        note = f"{order.currency} {value} less deposit"
    else:
        raise ValueError(f"{kind!r} is not written by a transition")
    return FactoryPayment.objects.create(
        factory=order.factory, order=order, kind=kind, amount=amount, currency=order.currency, note=note, actor=actor
    )


def factory_payment_adjust(
    *, factory: Factory, amount, note: str, actor: str, order: ProductionOrder | None = None
) -> FactoryPayment:
    """An agreed change to what is owed (a claim for defects is negative, a surcharge positive)."""
    amount = _amount(amount, "amount")
    if amount == 0:
        raise ValidationError({"amount": ["An adjustment of 0 changes nothing."]})
    if not isinstance(note, str) or not note.strip():
        raise ValidationError({"note": ["Say why the amount is adjusted."]})
    if order is not None and order.factory_id != factory.pk:
        raise ValidationError({"order": [f"Order {order.reference} is not an order of {factory}."]})
    return FactoryPayment.objects.create(
        factory=factory, order=order, kind=FactoryPayment.Kind.ADJUSTMENT, amount=amount,
        currency=order.currency if order else "USD", note=note.strip()[:300], actor=actor,
    )


def factory_payment_record(
    *, factory: Factory, amount, actor: str, note: str = "", order: ProductionOrder | None = None
) -> FactoryPayment:
    """A payment made to the factory; ``amount`` is what was paid (positive), stored as negative."""
    amount = _amount(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": [f"A payment must be above 0, got {amount}."]})
    if order is not None and order.factory_id != factory.pk:
        raise ValidationError({"order": [f"Order {order.reference} is not an order of {factory}."]})
    with transaction.atomic():
        return FactoryPayment.objects.create(
            factory=factory, order=order, kind=FactoryPayment.Kind.PAYMENT, amount=-amount,
            currency=order.currency if order else "USD", note=(note or "").strip()[:300], actor=actor,
        )
