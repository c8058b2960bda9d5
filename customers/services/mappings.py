"""Column mappings a merchandiser builds for a marketplace's export: checked, then saved by name."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from customers.models import OrderColumnMapping

SETTINGS = (
    "platform", "date_format", "decimal_comma", "price_is_line_total", "default_currency", "default_market",
    "cancelled_values", "refunded_values", "pending_values",
)


def column_mapping_save(
    *, name: str, columns: dict[str, str], item_columns: dict[str, str] | None = None,
    mapping: OrderColumnMapping | None = None, **settings,
) -> OrderColumnMapping:
    """Create (or, given ``mapping``, update) a mapping. The order id and date must be mapped, and the quantity
    and price of a line: in the orders file, or in the items file (with its order id) for two files."""
    item_columns = {k: v for k, v in (item_columns or {}).items() if v}
    columns = {k: v for k, v in columns.items() if v}
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Give the mapping a name."]
    unknown = set(columns) - set(OrderColumnMapping.ORDER_FIELDS) - set(OrderColumnMapping.LINE_FIELDS)
    unknown |= set(item_columns) - {"order_id", *OrderColumnMapping.LINE_FIELDS}
    if unknown:
        errors["columns"] = [f"Not fields of an order: {', '.join(sorted(unknown))}."]
    for field in OrderColumnMapping.REQUIRED_ORDER_FIELDS:
        if field not in columns:
            errors[f"col_{field}"] = ["Choose the column that holds it."]
    if item_columns:
        for field in ("order_id", *OrderColumnMapping.REQUIRED_LINE_FIELDS):
            if field not in item_columns:
                errors[f"item_{field}"] = ["Choose the items file's column that holds it."]
        line_fields = set(columns) & set(OrderColumnMapping.LINE_FIELDS)
        if line_fields:
            errors["columns"] = [f"With an items file, line fields come from it, not the orders file: {', '.join(sorted(line_fields))}."]
    else:
        for field in OrderColumnMapping.REQUIRED_LINE_FIELDS:
            if field not in columns:
                errors[f"col_{field}"] = ["Choose the column that holds it."]
    currency = (settings.get("default_currency") or "").strip().upper()
    if currency and not (len(currency) == 3 and currency.isalpha()):
        errors["default_currency"] = ["A three-letter currency code, e.g. EUR."]
    market = (settings.get("default_market") or "").strip().upper()
    if market and not (len(market) == 2 and market.isalpha()):
        errors["default_market"] = ["A two-letter country code, e.g. DE."]
    if errors:
        raise ValidationError(errors)
    settings = {key: settings[key] for key in SETTINGS if key in settings}
    settings.update(default_currency=currency, default_market=market)
    target = mapping or OrderColumnMapping()
    target.name, target.columns, target.item_columns = name, columns, item_columns
    for key, value in settings.items():
        setattr(target, key, value)
    try:
        target.full_clean(exclude=["columns", "item_columns"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise ValidationError({"name": [f"A mapping named {name!r} exists already."]}) from None
    return target
