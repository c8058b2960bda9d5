"""A Shopify order webhook's JSON (orders/create, orders/updated, orders/cancelled, orders/paid...) -> an order
record, by the same rules as the export. Pure: no Django.

Every value is checked for its type and range before use; ``WebhookPayloadError.errors`` maps the JSON
path of each bad value (``line_items[2].quantity``) to the reason, for the API's error answer.
"""

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from core.files import Problems, TooManyProblems

from .checks import MAX_AMOUNT, MAX_QUANTITY, Checks
from .landing import MAX_INPUT, landing_reduce, referrer_reduce
from .records import FINANCIAL_STATES, FULFILLED, FULFILLMENT_STATES, UNFULFILLED, ZERO, LineRecord, OrderRecord, ParsedOrders

MAX_LINE_ITEMS = 1000
MAX_REFUNDS = 200
MAX_NOTE_ATTRIBUTES = 250


class WebhookPayloadError(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in errors.items()))


class _Reader:
    def __init__(self):
        self.errors: dict[str, str] = {}

    def fail(self, path: str, reason: str):
        self.errors.setdefault(path, reason)
        return None

    def text(self, data: dict, key: str, path: str, *, required: bool = False, max_length: int = 255) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, "is required")
            return ""
        if not isinstance(value, str):
            return self.fail(path, f"must be a string, not {type(value).__name__}") or ""
        if len(value) > max_length:
            return self.fail(path, f"longer than {max_length} characters") or ""
        return value.strip()

    def amount(self, data: dict, key: str, path: str) -> Decimal:
        value = data.get(key)
        if value is None or value == "":
            return ZERO
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return self.fail(path, "must be an amount written as a string") or ZERO
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return self.fail(path, f"{str(value)[:40]!r} is not an amount") or ZERO
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            return self.fail(path, f"must be between 0 and {MAX_AMOUNT}") or ZERO
        return amount.quantize(Decimal("0.01"))

    def moment(self, data: dict, key: str, path: str, *, required: bool = False) -> datetime | None:
        value = self.text(data, key, path, required=required, max_length=40)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return self.fail(path, f"{value!r} is not an ISO 8601 date and time")
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

    def mapping(self, data: dict, key: str, path: str) -> dict:
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            return self.fail(path, f"must be an object, not {type(value).__name__}") or {}
        return value

    def items(self, data: dict, key: str, path: str, limit: int) -> list:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            return self.fail(path, f"must be a list, not {type(value).__name__}") or []
        if len(value) > limit:
            return self.fail(path, f"more than {limit} entries") or []
        return value


def _came_from(payload: dict, reader: _Reader) -> tuple[str, str]:
    """``landing_site`` (with the utm_* ``note_attributes`` some shops record) and ``referring_site``,
    reduced. A long or odd address is not worth refusing an order over: it is reduced or left out."""
    utm = {}
    for i, attribute in enumerate(reader.items(payload, "note_attributes", "note_attributes", MAX_NOTE_ATTRIBUTES)):
        if not isinstance(attribute, dict):
            reader.fail(f"note_attributes[{i}]", "must be an object")
            continue
        name, value = attribute.get("name"), attribute.get("value")
        if isinstance(name, str) and name.strip().lower().startswith("utm_") and isinstance(value, str):
            utm.setdefault(name.strip().lower(), value)
    sites = []
    for key in ("landing_site", "referring_site"):
        value = payload.get(key)
        if value is not None and not isinstance(value, str):
            reader.fail(key, f"must be a string, not {type(value).__name__}")
            value = ""
        sites.append((value or "")[:MAX_INPUT])
    return landing_reduce(sites[0], utm=utm), referrer_reduce(sites[1])


def _consent(customer: dict, reader: _Reader) -> bool | None:
    consent = customer.get("email_marketing_consent")
    if isinstance(consent, dict) and isinstance(consent.get("state"), str):
        return consent["state"] == "subscribed"
    value = customer.get("accepts_marketing")
    if value is None:
        return None
    if not isinstance(value, bool):
        return reader.fail("customer.accepts_marketing", "must be true or false")
    return value


def order_from_webhook(payload) -> OrderRecord:
    """The order a webhook's body describes; ``WebhookPayloadError`` names every bad value."""
    reader = _Reader()
    if not isinstance(payload, dict):
        raise WebhookPayloadError({"": f"the body must be a JSON object, not {type(payload).__name__}"})
    order_id = payload.get("id")
    if isinstance(order_id, bool) or not isinstance(order_id, int):
        reader.fail("id", "must be the order's number id")
    name = reader.text(payload, "name", "name", required=True, max_length=80)
    placed = reader.moment(payload, "created_at", "created_at", required=True)
    updated = reader.moment(payload, "updated_at", "updated_at")
    currency = reader.text(payload, "currency", "currency", required=True, max_length=3).upper()
    customer = reader.mapping(payload, "customer", "customer")
    shipping_address = reader.mapping(payload, "shipping_address", "shipping_address")
    billing_address = reader.mapping(payload, "billing_address", "billing_address")
    lines_in = reader.items(payload, "line_items", "line_items", MAX_LINE_ITEMS)
    refunds = reader.items(payload, "refunds", "refunds", MAX_REFUNDS)
    landing_url, referring_site = _came_from(payload, reader)
    shipping_set = reader.mapping(reader.mapping(payload, "total_shipping_price_set", "total_shipping_price_set"),
                                  "shop_money", "total_shipping_price_set.shop_money")
    if reader.errors:
        raise WebhookPayloadError(reader.errors)

    problems = Problems("webhook", limit=50)
    parsed = ParsedOrders()
    checks = Checks(problems, parsed)
    record = OrderRecord(line=1, external_id=name, placed_at=placed, currency=currency, updated_at=updated,
                         landing_url=landing_url, referring_site=referring_site)
    try:
        checks.key(name, "order", None, "name", name)
        checks.currency(currency, None, "currency", name)
        email = reader.text(payload, "email", "email", max_length=254) or reader.text(customer, "email", "customer.email", max_length=254)
        if email:
            record.email = checks.email(email, None, "email", name) or ""
        customer_id = customer.get("id")
        if record.email:
            record.customer_key = record.email
        elif isinstance(customer_id, int) and not isinstance(customer_id, bool):
            record.customer_key = f"id:{customer_id}"
        if record.customer_key:
            first = reader.text(customer, "first_name", "customer.first_name", max_length=60)
            last = reader.text(customer, "last_name", "customer.last_name", max_length=60)
            record.name = checks.text(" ".join(p for p in (first, last) if p), "name")
            record.accepts_marketing = _consent(customer, reader)
        country = reader.text(shipping_address, "country_code", "shipping_address.country_code", max_length=2) or \
            reader.text(billing_address, "country_code", "billing_address.country_code", max_length=2)
        if country:
            record.market = checks.country(country, None, "shipping_address.country_code", name) or ""
        financial = reader.text(payload, "financial_status", "financial_status", max_length=40)
        record.financial_status = financial if financial in FINANCIAL_STATES else ""
        fulfillment = reader.text(payload, "fulfillment_status", "fulfillment_status", max_length=40)
        record.fulfillment_status = fulfillment if fulfillment in FULFILLMENT_STATES else (
            UNFULFILLED if not fulfillment else FULFILLED if fulfillment == "fulfilled" else "")
        record.cancelled_at = reader.moment(payload, "cancelled_at", "cancelled_at")
        record.cancelled = record.cancelled_at is not None
        record.subtotal = reader.amount(payload, "subtotal_price", "subtotal_price")
        record.total = reader.amount(payload, "total_price", "total_price")
        record.taxes = reader.amount(payload, "total_tax", "total_tax")
        record.discount = reader.amount(payload, "total_discounts", "total_discounts")
        record.shipping = reader.amount(shipping_set, "amount", "total_shipping_price_set.shop_money.amount")
        refunded = ZERO
        for r, refund in enumerate(refunds):
            if not isinstance(refund, dict):
                reader.fail(f"refunds[{r}]", "must be an object")
                continue
            for t, transaction in enumerate(reader.items(refund, "transactions", f"refunds[{r}].transactions", MAX_REFUNDS)):
                if not isinstance(transaction, dict):
                    reader.fail(f"refunds[{r}].transactions[{t}]", "must be an object")
                    continue
                if transaction.get("kind") == "refund" and transaction.get("status") in ("success", None):
                    refunded += reader.amount(transaction, "amount", f"refunds[{r}].transactions[{t}].amount")
        record.refunded = refunded
        for i, item in enumerate(lines_in):
            path = f"line_items[{i}]"
            if not isinstance(item, dict):
                reader.fail(path, "must be an object")
                continue
            quantity = item.get("quantity")
            if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 <= quantity <= MAX_QUANTITY:
                reader.fail(f"{path}.quantity", f"must be a whole number from 0 to {MAX_QUANTITY}")
                continue
            sku = reader.text(item, "sku", f"{path}.sku", max_length=64)
            if sku and checks.key(sku, "sku", None, f"{path}.sku", name) is None:
                continue
            title = reader.text(item, "title", f"{path}.title", max_length=500) or sku
            price = reader.amount(item, "price", f"{path}.price")
            discount = reader.amount(item, "total_discount", f"{path}.total_discount")
            if quantity:
                record.lines.append(LineRecord(i + 1, sku, checks.text(title, "title"), quantity, price, discount))
    except TooManyProblems:
        pass
    for problem in problems:
        reader.fail(problem.column or "", problem.reason)
    if reader.errors:
        raise WebhookPayloadError(reader.errors)
    return record
