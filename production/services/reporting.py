"""What a factory reports back on an order: progress, QC, shipment; and its receipt by the seller."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import quality
from ..models import FactoryPayment, ProductionOrder, QcReport, ReorderRule, Shipment, ShipmentEvent
from ..selectors import production_order_landed_cost_plan
from .ledger import factory_payment_due_record
from .orders import TransitionNotAllowed, actor_name, production_order_transition

Status = ProductionOrder.Status
MAX_PHOTOS = 20


def _count(value, field: str, errors: dict) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors[field] = [f"Must be a whole number of at least 0, got {value!r}."]
        return None
    return value


def _locked(order_id: int) -> ProductionOrder:
    return ProductionOrder.objects.select_for_update().get(pk=order_id)


def _refuse(order: ProductionOrder, what: str, allowed: tuple[str, ...]) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        f"Order {order.reference} is {order.status}; {what} only when it is {' or '.join(allowed)}.",
        order=order,
    )


def production_order_progress(*, order_id: int, cut: int, sewn: int, packed: int, actor: str, note: str = "") -> ProductionOrder:
    """Record how many pieces are cut, sewn and packed; the first report starts production."""
    errors: dict = {}
    cut, sewn, packed = (_count(v, f, errors) for v, f in ((cut, "cut"), (sewn, "sewn"), (packed, "packed")))
    if errors:
        raise ValidationError(errors)
    if not sewn <= cut:
        errors["sewn"] = [f"Cannot sew more pieces ({sewn}) than are cut ({cut})."]
    if not packed <= sewn:
        errors["packed"] = [f"Cannot pack more pieces ({packed}) than are sewn ({sewn})."]
    if errors:
        raise ValidationError(errors)
    actor = actor_name(actor)
    allowed = (Status.ACCEPTED, Status.IN_PRODUCTION, Status.QC_FAILED)
    with transaction.atomic():
        order = _locked(order_id)
        if order.status not in allowed:
            raise _refuse(order, "progress can be reported", allowed)
        total = sum(order.lines.values_list("quantity", flat=True))
        for field, value in (("cut", cut), ("sewn", sewn), ("packed", packed)):
            if value > total:
                errors[field] = [f"{value} is more than the {total} pieces ordered."]
            elif value < getattr(order, f"qty_{field}"):
                errors[field] = [f"Cannot go down from {getattr(order, f'qty_{field}')} to {value}."]
        if errors:
            raise ValidationError(errors)
        if order.status != Status.IN_PRODUCTION:
            order = production_order_transition(
                order_id=order.pk, to_status=Status.IN_PRODUCTION, actor=actor, note=note or "production started"
            )
        order.qty_cut, order.qty_sewn, order.qty_packed = cut, sewn, packed
        order.save(update_fields=["qty_cut", "qty_sewn", "qty_packed", "updated_at"])
    return order


def production_order_qc_report(
    *,
    order_id: int,
    sample_size: int,
    critical: int,
    major: int,
    minor: int,
    actor: str,
    photos: list[str] | None = None,
    note: str = "",
) -> QcReport:
    """Judge a final inspection against the order's AQL and move the order to qc_passed or qc_failed.

    A pass writes the balance due to the factory.
    """
    errors: dict = {}
    counts = [_count(v, f, errors) for v, f in ((sample_size, "sample_size"), (critical, "critical"), (major, "major"), (minor, "minor"))]
    photos = photos or []
    if not isinstance(photos, list) or len(photos) > MAX_PHOTOS or not all(isinstance(p, str) and 0 < len(p) <= 500 for p in photos):
        errors["photos"] = [f"At most {MAX_PHOTOS} photo addresses of 1 to 500 characters."]
    if errors:
        raise ValidationError(errors)
    sample_size, critical, major, minor = counts
    actor = actor_name(actor)
    with transaction.atomic():
        order = _locked(order_id)
        if order.status != Status.IN_PRODUCTION:
            raise _refuse(order, "a QC report can be filed", (Status.IN_PRODUCTION,))
        lot = sum(order.lines.values_list("quantity", flat=True))
        try:
            verdict = quality.judge(
                lot_size=lot, sample_size=sample_size, critical=critical, major=major, minor=minor,
                aql_major=order.aql_major, aql_minor=order.aql_minor,
            )
        except quality.QualityError as exc:
            raise ValidationError({"sample_size": [str(exc)]}) from exc
        report = QcReport.objects.create(
            order=order, sample_size=sample_size, critical=critical, major=major, minor=minor,
            aql_major=order.aql_major, aql_minor=order.aql_minor, accept_major=verdict.accept_major,
            accept_minor=verdict.accept_minor, passed=verdict.passed, photos=photos, note=note, actor=actor,
        )
        summary = f"QC {'passed' if verdict.passed else 'failed'}: {critical}/{major}/{minor} critical/major/minor in {sample_size}"
        if verdict.reasons:
            summary += " (" + "; ".join(verdict.reasons) + ")"
        order = production_order_transition(
            order_id=order.pk, to_status=Status.QC_PASSED if verdict.passed else Status.QC_FAILED,
            actor=actor, note=summary,
        )
        if verdict.passed:
            factory_payment_due_record(order=order, kind=FactoryPayment.Kind.BALANCE, actor=actor)
    return report


def _text(value, field: str, max_length: int, errors: dict) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > max_length:
        errors[field] = [f"Must be text of 1 to {max_length} characters, got {value!r}."]
        return ""
    return value.strip()


def production_order_ship(
    *, order_id: int, carrier: str, tracking_number: str, cartons: int, weight_kg, actor: str,
    planned_landed_cost=None, note: str = "",
) -> Shipment:
    """Hand a QC-passed order to a carrier: a shipment with its first tracking event."""
    errors: dict = {}
    carrier = _text(carrier, "carrier", 80, errors)
    tracking_number = _text(tracking_number, "tracking_number", 80, errors)
    if isinstance(cartons, bool) or not isinstance(cartons, int) or cartons <= 0:
        errors["cartons"] = [f"Must be a whole number above 0, got {cartons!r}."]
    try:
        weight = Decimal(str(weight_kg))
        if not weight.is_finite() or weight <= 0 or weight >= Decimal("1e8") or weight != weight.quantize(Decimal("0.01")):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["weight_kg"] = [f"Must be a weight in kg above 0 with at most 2 decimals, got {weight_kg!r}."]
    if planned_landed_cost is not None:
        try:
            planned_landed_cost = Decimal(str(planned_landed_cost))
            if not planned_landed_cost.is_finite() or not 0 <= planned_landed_cost < Decimal("1e10"):
                raise InvalidOperation
            planned_landed_cost = planned_landed_cost.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors["planned_landed_cost"] = [f"Must be an amount of at least 0, got {planned_landed_cost!r}."]
    if errors:
        raise ValidationError(errors)
    actor = actor_name(actor)
    with transaction.atomic():
        order = _locked(order_id)
        if order.status != Status.QC_PASSED:
            raise _refuse(order, "it can be shipped", (Status.QC_PASSED,))
        if Shipment.objects.filter(carrier__iexact=carrier, tracking_number=tracking_number).exists():
            raise ValidationError({"tracking_number": [f"{carrier} {tracking_number} is already a shipment."]})
        now = timezone.now()
        plan = production_order_landed_cost_plan(order=order)
        plan_record = {**plan, "total": None if plan["total"] is None else str(plan["total"])}
        if planned_landed_cost is None:
            planned_landed_cost = plan["total"]
        shipment = Shipment.objects.create(
            order=order, carrier=carrier, tracking_number=tracking_number, cartons=cartons, weight_kg=weight,
            shipped_at=now, planned_landed_cost=planned_landed_cost, landed_cost_plan=plan_record,
        )
        ShipmentEvent.objects.create(shipment=shipment, occurred_at=now, description=f"handed to {carrier}")
        production_order_transition(
            order_id=order.pk, to_status=Status.SHIPPED, actor=actor,
            note=note or f"{cartons} cartons, {weight} kg with {carrier} {tracking_number}",
        )
    return shipment


def shipment_event_add(
    *, shipment_id: int, description: str, occurred_at: datetime.datetime, location: str = ""
) -> ShipmentEvent:
    errors: dict = {}
    description = _text(description, "description", 300, errors)
    if not isinstance(location, str) or len(location) > 120:
        errors["location"] = ["At most 120 characters."]
    if not isinstance(occurred_at, datetime.datetime):
        errors["occurred_at"] = [f"Must be a date and time, got {occurred_at!r}."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
        # Carriers' feeds repeat themselves: the same event sent again is recorded once.
        same = ShipmentEvent.objects.filter(
            shipment=shipment, occurred_at=occurred_at, location=location.strip(), description=description
        ).first()
        if same is not None:
            return same
        event = ShipmentEvent.objects.create(
            shipment=shipment, occurred_at=occurred_at, location=location.strip(), description=description
        )
        ProductionOrder.objects.filter(pk=shipment.order_id).update(updated_at=timezone.now())
    return event


def production_order_receive(
    *, order_id: int, actor: str, actual_landed_cost=None, note: str = ""
) -> ProductionOrder:
    """The seller's receipt of a shipped order, with the landed cost it actually came to."""
    cost = None
    if actual_landed_cost is not None:
        try:
            cost = Decimal(str(actual_landed_cost))
            if not cost.is_finite() or cost < 0 or cost >= Decimal("1e10") or cost != cost.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(
                {"actual_landed_cost": [f"Must be an amount of at least 0, got {actual_landed_cost!r}."]}
            ) from exc
    with transaction.atomic():
        order = production_order_transition(order_id=order_id, to_status=Status.RECEIVED, actor=actor, note=note)
        # From receipt on, the batch is judged by its reorder rule (the defaults until a merchandiser sets it).
        ReorderRule.objects.get_or_create(order=order)
        now = timezone.now()
        for shipment in Shipment.objects.select_for_update().filter(order=order, received_at__isnull=True):
            shipment.received_at = now
            if cost is not None:
                shipment.actual_landed_cost = cost
            shipment.save(update_fields=["received_at", "actual_landed_cost"])
            ShipmentEvent.objects.create(shipment=shipment, occurred_at=now, description="received by the seller")
    return order


def shipment_landed_cost_set(*, shipment_id: int, planned=None, actual=None) -> Shipment:
    values = {}
    for field, value in (("planned_landed_cost", planned), ("actual_landed_cost", actual)):
        if value is None:
            continue
        try:
            amount = Decimal(str(value))
            if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10") or amount != amount.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError({field: [f"Must be an amount of at least 0, got {value!r}."]}) from exc
        values[field] = amount
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
        for field, amount in values.items():
            setattr(shipment, field, amount)
        shipment.save()
    return shipment


