"""Every write of link 5: factories and their keys, batch planning, orders and their moves."""

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Cycle
from samples.models import Sample, VoteRound

from .. import api_keys
from ..models import Factory, FactoryApiKey, FactoryPayment, ProductionEvent, ProductionOrder, ProductionOrderLine
from ..planning import PlanningError, plan_batch, plan_newsvendor_batch

# Each touch is a write on the polling path; every few minutes is exact enough for "last used".
KEY_TOUCH_INTERVAL = datetime.timedelta(minutes=5)
MAX_NOTE_LENGTH = 2000
_MARKET_MAX = ProductionOrderLine._meta.get_field("market").max_length
_ACTOR_MAX = ProductionEvent._meta.get_field("actor").max_length


class TransitionNotAllowed(Exception):
    def __init__(self, message: str, *, order: ProductionOrder | None = None, to_status: str = ""):
        super().__init__(message)
        self.order = order
        self.to_status = to_status


# --- Factories and API keys -----------------------------------------------

_NAME_MAX = Factory._meta.get_field("name").max_length
_KEY_NAME_MAX = FactoryApiKey._meta.get_field("name").max_length
CATEGORY_MAX_LENGTH = 80
MAX_CATEGORIES = 100
MAX_COUNT = 2_147_483_647  # the largest value a PositiveIntegerField holds on every database
MAX_UNIT_PRICE = Decimal("99999999.99")
_CENT = Decimal("0.01")
# Characters that reorder the text around them: a name holding one can read as another name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _factory_name_clean(name, errors: dict) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = ["A factory needs a name."]
    elif len(name) > _NAME_MAX:
        errors["name"] = [f"At most {_NAME_MAX} characters, got {len(name)}."]
    elif any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in name):
        errors["name"] = ["A name cannot hold line breaks, tabs or other control characters."]
    return name


def _category_clean(value) -> str | None:
    """A category name stripped, or None when it is empty, too long or not text."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > CATEGORY_MAX_LENGTH:
        return None
    return value.strip()


def _factory_categories_clean(categories, errors: dict) -> list[str]:
    if categories is None:
        return []
    if not isinstance(categories, list | tuple):
        errors["categories"] = [f"Must be a list of category names, got {type(categories).__name__}."]
        return []
    cleaned: dict[str, str] = {}
    for index, category in enumerate(categories, start=1):
        name = _category_clean(category)
        if name is None:
            errors["categories"] = [
                f"Category {index} ({category!r}): each category must be a non-empty name of at most "
                f"{CATEGORY_MAX_LENGTH} characters."
            ]
            return []
        cleaned.setdefault(name.casefold(), name)  # the same category twice is kept once
    if len(cleaned) > MAX_CATEGORIES:
        errors["categories"] = [f"At most {MAX_CATEGORIES} categories, got {len(cleaned)}."]
        return []
    return list(cleaned.values())


def _factory_price_list_clean(price_list, errors: dict) -> dict[str, str]:
    """``{category: unit price}`` with each price a positive amount of at most two decimals, kept as text."""
    if price_list is None:
        return {}
    if not isinstance(price_list, dict):
        errors["price_list"] = [f"Must map categories to unit prices, got {type(price_list).__name__}."]
        return {}
    cleaned, seen, problems = {}, set(), []
    for category, value in price_list.items():
        name = _category_clean(category)
        if name is None:
            problems.append(
                f"{category!r}: a price needs a category name of at most {CATEGORY_MAX_LENGTH} characters."
            )
            continue
        if name.casefold() in seen:
            problems.append(f"{name}: listed twice.")
            continue
        seen.add(name.casefold())
        try:
            if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
                raise InvalidOperation
            amount = Decimal(str(value).strip())
            if not amount.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(f"{name}: {value!r} is not an amount.")
            continue
        if amount <= 0:
            problems.append(f"{name}: the unit price must be more than 0, got {value!r}.")
        elif amount > MAX_UNIT_PRICE:
            problems.append(f"{name}: the unit price must be at most {MAX_UNIT_PRICE}, got {value!r}.")
        elif amount != amount.quantize(_CENT):
            problems.append(f"{name}: at most two decimal places, got {value!r}.")
        else:
            cleaned[name] = str(amount.quantize(_CENT))
    if len(cleaned) > MAX_CATEGORIES:
        problems.append(f"At most {MAX_CATEGORIES} prices, got {len(cleaned)}.")
    if problems:
        errors["price_list"] = problems
    return cleaned


def _factory_profile_clean(
    *, name, categories, min_batch, lead_time_days, weekly_capacity, deposit_percent, price_list
) -> dict:
    """Every field of a factory's profile checked at once: one ValidationError names each bad field."""
    errors: dict[str, list[str]] = {}
    cleaned = {"name": _factory_name_clean(name, errors)}
    counts = {"min_batch": min_batch, "lead_time_days": lead_time_days, "weekly_capacity": weekly_capacity}
    for field, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            errors[field] = [f"Must be a whole number from 0 to {MAX_COUNT}, got {value!r}."]
        cleaned[field] = value
    if isinstance(deposit_percent, bool) or not isinstance(deposit_percent, int) or not 0 <= deposit_percent <= 100:
        errors["deposit_percent"] = [f"Must be a whole percent from 0 to 100, got {deposit_percent!r}."]
    cleaned["deposit_percent"] = deposit_percent
    cleaned["categories"] = _factory_categories_clean(categories, errors)
    cleaned["price_list"] = _factory_price_list_clean(price_list, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _factory_name_taken(name: str, *, exclude_pk: int | None = None) -> ValidationError | None:
    others = Factory.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        return ValidationError({"name": [f"A factory named {name!r} already exists."]})
    return None


def factory_create(
    *,
    name: str,
    categories: list[str] | None = None,
    min_batch: int = 100,
    lead_time_days: int = 21,
    weekly_capacity: int = 1000,
    deposit_percent: int = 30,
    price_list: dict | None = None,
    is_demo: bool = False,
) -> tuple[Factory, str]:
    """Create a factory with its first API key; the raw key is returned once and never stored.

    ``price_list`` maps a category to the unit price the factory quotes for it (positive, at most
    two decimals); it is stored as ``{category: "11.50"}``.
    """
    cleaned = _factory_profile_clean(
        name=name, categories=categories, min_batch=min_batch, lead_time_days=lead_time_days,
        weekly_capacity=weekly_capacity, deposit_percent=deposit_percent, price_list=price_list,
    )
    with transaction.atomic():
        if taken := _factory_name_taken(cleaned["name"]):
            raise taken
        try:
            with transaction.atomic():
                factory = Factory.objects.create(**cleaned, is_demo=is_demo)
        except IntegrityError as exc:  # created by a concurrent request since the check
            raise ValidationError({"name": [f"A factory named {cleaned['name']!r} already exists."]}) from exc
        raw_key = factory_api_key_create(factory=factory, name="first key")
    return factory, raw_key


def factory_update(
    *,
    factory: Factory,
    name: str | None = None,
    categories: list[str] | None = None,
    min_batch: int | None = None,
    lead_time_days: int | None = None,
    weekly_capacity: int | None = None,
    deposit_percent: int | None = None,
    price_list: dict | None = None,
) -> Factory:
    """Change a factory's profile; an argument left at None keeps its value (``[]`` / ``{}`` clear a list).

    The name must stay unique among the other factories, ignoring case. Nothing is written unless
    every field is valid.
    """
    given = {
        "name": name, "categories": categories, "min_batch": min_batch, "lead_time_days": lead_time_days,
        "weekly_capacity": weekly_capacity, "deposit_percent": deposit_percent, "price_list": price_list,
    }
    with transaction.atomic():
        locked = Factory.objects.select_for_update().get(pk=factory.pk)
        merged = {field: getattr(locked, field) if value is None else value for field, value in given.items()}
        cleaned = _factory_profile_clean(**merged)
        if taken := _factory_name_taken(cleaned["name"], exclude_pk=locked.pk):
            raise taken
        changed = [field for field, value in cleaned.items() if getattr(locked, field) != value]
        for field in changed:
            setattr(locked, field, cleaned[field])
        if changed:
            try:
                with transaction.atomic():
                    locked.save(update_fields=changed)
            except IntegrityError as exc:
                raise ValidationError({"name": [f"A factory named {cleaned['name']!r} already exists."]}) from exc
    for field, value in cleaned.items():
        setattr(factory, field, value)
    return factory


def factory_api_key_create(*, factory: Factory, name: str = "") -> str:
    """Issue a new key for ``factory``; the returned raw key cannot be recovered later."""
    name = name.strip() if isinstance(name, str) else ""
    if len(name) > _KEY_NAME_MAX:
        raise ValidationError({"name": [f"A key name has at most {_KEY_NAME_MAX} characters, got {len(name)}."]})
    for _ in range(5):
        prefix = api_keys.new_prefix()
        raw_key = api_keys.build_key(prefix)
        try:
            with transaction.atomic():
                FactoryApiKey.objects.create(
                    factory=factory, name=name, prefix=prefix, hashed_key=api_keys.hash_key(raw_key)
                )
        except IntegrityError:  # prefix collision: draw again
            continue
        return raw_key
    raise RuntimeError("Could not draw an unused API key prefix.")


def factory_api_key_revoke(*, key_id: int, factory: Factory | None = None) -> FactoryApiKey:
    """Revoke a key at once (the authentication cache drops it too); revoking twice keeps the first time.

    With ``factory``, a key of another factory is not found (``FactoryApiKey.DoesNotExist``).
    """
    keys = FactoryApiKey.objects.select_for_update()
    if factory is not None:
        keys = keys.filter(factory=factory)
    with transaction.atomic():
        api_key = keys.get(pk=key_id)
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
        prefix = api_key.prefix
        transaction.on_commit(lambda: cache.delete(api_keys.cache_key(prefix)))
    cache.delete(api_keys.cache_key(prefix))  # and now, in case a request re-cached it before the commit
    return api_key


def factory_api_key_mark_used(*, api_key: FactoryApiKey, now: datetime.datetime | None = None) -> bool:
    """Record use, at most once per KEY_TOUCH_INTERVAL so polling does not write on every request.

    True when it wrote; the authentication cache then holds the key with its new ``last_used_at``.
    """
    now = now or timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < KEY_TOUCH_INTERVAL:
        return False
    FactoryApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
    if api_key.revoked_at is None and settings.C2F_CACHE_SHARED:
        cache.set(api_keys.cache_key(api_key.prefix), api_key, api_keys.CACHE_SECONDS)
    return True


# --- Planning and creating orders -----------------------------------------


def production_order_plan(
    *,
    sample: Sample,
    sizing_round: VoteRound | None,
    factory: Factory,
    votes: list[dict],
    pre_orders: list[dict] | None = None,
    unit_margin=None,
    unsold_cost=None,
    invited: int | None = None,
    conversion_rate: float = 0.3,
) -> dict:
    """Size a batch from buyers' votes (and pre-orders) and split it by variant and market.

    With ``unit_margin`` and ``unsold_cost`` the batch is the newsvendor quantity of the
    forecast demand (see ``planning.plan_newsvendor_batch``); without them it is the larger
    of the factory minimum and the pre-orders plus the would-order total. Pre-orders ``{"variant_id", "market",
    "quantity"}`` are handed in by the caller (production does not read shop orders).
    Returns ``{"lines": [{"variant_id", "market", "quantity"}], "sizing": {...}}``,
    ready for ``production_order_create``.
    """
    if sizing_round is not None and sizing_round.sample_id != sample.pk:
        raise ValidationError({"sizing_round": [f"Round {sizing_round.pk} is not a round of sample {sample.pk}."]})
    concept = sample.concept
    variant_ids = list(concept.variants.values_list("pk", flat=True))
    fallback = [(v, m) for v in variant_ids for m in concept.target_markets or [] if isinstance(m, str) and m]
    explanation: dict = {}
    newsvendor = unit_margin is not None or unsold_cost is not None
    if newsvendor:
        errors = {}
        margin, unsold = _money(unit_margin, "unit_margin", errors), _money(unsold_cost, "unsold_cost", errors)
        if isinstance(conversion_rate, bool) or not isinstance(conversion_rate, int | float):
            errors["conversion_rate"] = [f"Must be a number, got {conversion_rate!r}."]
        if errors:
            raise ValidationError(errors)
    try:
        if newsvendor:
            plan, explanation = plan_newsvendor_batch(
                votes, pre_orders=pre_orders or [], min_batch=factory.min_batch, unit_margin=margin,
                unsold_cost=unsold, invited=invited, conversion_rate=float(conversion_rate), fallback_keys=fallback,
            )
        else:
            plan = plan_batch(votes, min_batch=factory.min_batch, fallback_keys=fallback, pre_orders=pre_orders or [])
            explanation = {"pre_orders": sum(line["quantity"] for line in pre_orders or [])}
    except PlanningError as exc:
        raise ValidationError({"votes": [str(exc)]}) from exc
    foreign = sorted({line["variant_id"] for line in plan.lines} - set(variant_ids))
    if foreign:
        raise ValidationError(
            {"votes": [f"Variants {foreign} are not variants of concept {concept.pk} ({concept})."]}
        )
    sizing = plan.sizing() | explanation | {
        "sample_id": sample.pk,
        "sizing_round_id": sizing_round.pk if sizing_round else None,
        "factory_id": factory.pk,
    }
    return {"lines": plan.lines, "sizing": sizing}


def _money(value, field: str, errors: dict) -> float | None:
    try:
        amount = Decimal(str(value))
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[field] = [f"Must be an amount of at least 0, got {value!r}."]
        return None
    return float(amount)


def _clean_lines(lines, *, concept_variant_ids: set[int]) -> list[tuple[int, str, int]]:
    if not isinstance(lines, list) or not lines:
        raise ValidationError({"lines": ["An order needs at least one line."]})
    cleaned, seen, errors = [], set(), {}
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if not isinstance(line, dict):
            errors[where] = [f"Must be a dict, got {type(line).__name__}."]
            continue
        variant_id, market, quantity = line.get("variant_id"), line.get("market"), line.get("quantity")
        is_id = isinstance(variant_id, int) and not isinstance(variant_id, bool)
        if not is_id or variant_id not in concept_variant_ids:
            errors[f"{where}.variant_id"] = [f"{variant_id!r} is not a variant of the sample's concept."]
        if not isinstance(market, str) or not market.strip() or len(market.strip()) > _MARKET_MAX:
            errors[f"{where}.market"] = [
                f"Must be a market code of 1 to {_MARKET_MAX} characters, got {market!r}."
            ]
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            errors[f"{where}.quantity"] = [f"Must be a whole number above 0, got {quantity!r}."]
        if errors:
            continue
        key = (variant_id, market.strip())
        if key in seen:
            errors[where] = [f"Variant {variant_id} in market {key[1]} appears twice."]
            continue
        seen.add(key)
        cleaned.append((variant_id, key[1], quantity))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _next_reference(cycle: Cycle) -> str:
    stem = f"PO-{cycle.number}-"
    used = ProductionOrder.objects.filter(reference__startswith=stem).values_list("reference", flat=True)
    seqs = [int(ref[len(stem):]) for ref in used if ref[len(stem):].isdigit()]
    return f"{stem}{max(seqs, default=0) + 1:03d}"


def production_order_create(
    *,
    cycle: Cycle,
    factory: Factory,
    sample: Sample,
    sizing_round: VoteRound | None = None,
    lines: list[dict],
    unit_price,
    sizing: dict,
    due_date: datetime.date | None = None,
    is_demo: bool = False,
    actor: str,
    incoterm: str = ProductionOrder.Incoterm.FOB,
    packaging_instructions: str = "",
    labelling_instructions: str = "",
    aql_major: str = ProductionOrder.Aql.A2_5,
    aql_minor: str = ProductionOrder.Aql.A4_0,
) -> ProductionOrder:
    """Create a draft order (reference ``PO-<cycle>-<seq>``) and its "created" event.

    Without a due date the order is due after the factory's lead time.
    """
    try:
        price = Decimal(str(unit_price))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"unit_price": [f"Not a number: {unit_price!r}."]}) from exc
    if not price.is_finite() or price < 0 or price >= Decimal("1e8") or price != price.quantize(Decimal("0.01")):
        raise ValidationError(
            {"unit_price": [f"Must be an amount of at least 0 with at most 2 decimals, got {unit_price!r}."]}
        )
    if sizing_round is not None and sizing_round.sample_id != sample.pk:
        raise ValidationError({"sizing_round": [f"Round {sizing_round.pk} is not a round of sample {sample.pk}."]})
    if not isinstance(sizing, dict):
        raise ValidationError({"sizing": ["Must be a dict explaining how the batch was sized."]})
    concept = sample.concept
    cleaned = _clean_lines(lines, concept_variant_ids=set(concept.variants.values_list("pk", flat=True)))
    actor = actor_clean(actor)
    errors = {}
    if incoterm not in ProductionOrder.Incoterm.values:
        errors["incoterm"] = [f"Must be one of {', '.join(ProductionOrder.Incoterm.values)}, got {incoterm!r}."]
    for field, value in (("aql_major", aql_major), ("aql_minor", aql_minor)):
        if value not in ProductionOrder.Aql.values:
            errors[field] = [f"Must be one of {', '.join(ProductionOrder.Aql.values)}, got {value!r}."]
    for field, value in (("packaging_instructions", packaging_instructions), ("labelling_instructions", labelling_instructions)):
        if not isinstance(value, str) or len(value) > MAX_NOTE_LENGTH:
            errors[field] = [f"Must be text of at most {MAX_NOTE_LENGTH} characters."]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # Serialises reference numbering per cycle (a no-op on SQLite, which locks the file).
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        order = ProductionOrder.objects.create(
            cycle=cycle,
            factory=factory,
            reference=_next_reference(cycle),
            sample=sample,
            sizing_round=sizing_round,
            sizing=sizing,
            unit_price=price,
            currency=concept.currency,
            due_date=due_date or (timezone.localdate() + datetime.timedelta(days=factory.lead_time_days)),
            is_demo=is_demo,
            incoterm=incoterm,
            packaging_instructions=packaging_instructions,
            labelling_instructions=labelling_instructions,
            aql_major=aql_major,
            aql_minor=aql_minor,
        )
        ProductionOrderLine.objects.bulk_create(
            [ProductionOrderLine(order=order, variant_id=v, market=m, quantity=q) for v, m, q in cleaned]
        )
        ProductionEvent.objects.create(
            order=order, from_status="", to_status=order.status, actor=actor, note="created"
        )
    return order


# --- Moving an order through its states -----------------------------------


def actor_clean(actor: str) -> str:
    """Who makes a change, as the timeline stores it; refused when blank."""
    if not isinstance(actor, str) or not actor.strip():
        raise ValidationError({"actor": ["Say who makes the change."]})
    return actor.strip()[:_ACTOR_MAX]


def production_order_transition(*, order_id: int, to_status: str, actor: str, note: str = "") -> ProductionOrder:
    """Move an order to ``to_status`` under a row lock and record the event.

    Raises ``TransitionNotAllowed`` for a move that ALLOWED_TRANSITIONS does not list.
    """
    actor = actor_clean(actor)
    if not isinstance(note, str):
        raise ValidationError({"note": [f"Must be text, got {type(note).__name__}."]})
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError({"note": [f"At most {MAX_NOTE_LENGTH} characters, got {len(note)}."]})
    with transaction.atomic():
        order = ProductionOrder.objects.select_for_update().get(pk=order_id)
        if to_status not in ProductionOrder.Status.values:
            raise TransitionNotAllowed(f"{to_status!r} is not an order status.", order=order, to_status=to_status)
        allowed = order.next_statuses
        if to_status not in allowed:
            onward = " or ".join(allowed) if allowed else "nothing further"
            raise TransitionNotAllowed(
                f"Order {order.reference} is {order.status} and cannot become {to_status}; "
                f"from {order.status} it can move to {onward}.",
                order=order,
                to_status=to_status,
            )
        from_status = order.status
        order.status = to_status
        fields = ["status", "updated_at"]
        if to_status == ProductionOrder.Status.RELEASED and order.released_at is None:
            order.released_at = timezone.now()
            fields.append("released_at")
        order.save(update_fields=fields)
        ProductionEvent.objects.create(
            order=order, from_status=from_status, to_status=to_status, actor=actor, note=note
        )
    return order


def production_order_release(*, order_id: int, actor: str, note: str = "") -> ProductionOrder:
    """Release a draft to its factory, which from now on sees it over the API."""
    return production_order_transition(
        order_id=order_id, to_status=ProductionOrder.Status.RELEASED, actor=actor, note=note
    )


def production_order_accept(*, order_id: int, actor: str, note: str = "") -> ProductionOrder:
    """The factory commits to the order; the deposit becomes due to it."""
    from .ledger import factory_payment_due_record

    with transaction.atomic():
        order = production_order_transition(
            order_id=order_id, to_status=ProductionOrder.Status.ACCEPTED, actor=actor, note=note
        )
        factory_payment_due_record(order=order, kind=FactoryPayment.Kind.DEPOSIT, actor=actor_clean(actor))
    return order


def production_order_decline(*, order_id: int, actor: str, reason: str) -> ProductionOrder:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": ["A declined order needs a reason."]})
    return production_order_transition(
        order_id=order_id, to_status=ProductionOrder.Status.DECLINED, actor=actor, note=reason.strip()
    )


def production_order_cancel(*, order_id: int, actor: str, reason: str) -> ProductionOrder:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": ["A cancelled order needs a reason."]})
    return production_order_transition(
        order_id=order_id, to_status=ProductionOrder.Status.CANCELLED, actor=actor, note=reason.strip()
    )


def idempotency_records_prune(*, older_than: datetime.timedelta = datetime.timedelta(days=30)) -> int:
    """Forget stored first answers older than ``older_than``; a retry after that runs afresh."""
    from ..models import IdempotencyRecord

    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
