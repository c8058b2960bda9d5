"""Shopify's orders export (Admin → Orders → Export) -> order records, read by ``core.files.shopify_orders``.

What is taken from each order: its name (``#1001``), email (the customer's identity; none on draft,
point-of-sale and some manual orders, which become guest orders), billing name, *Accepts Marketing*,
currency, the money columns (subtotal after discounts, shipping, taxes, total, discount amount, refunded
amount), financial and fulfilment status, *Cancelled at*, the shipping country (else the billing
country) and its line items (quantity, name, unit price before discounts, SKU, line discount). Notes,
addresses, phone numbers and payment references are never read.
"""

from core.files import CsvText
from core.files import shopify_orders as shopify

from .checks import Checks
from .records import FINANCIAL_STATES, FULFILLMENT_STATES, ZERO, LineRecord, OrderRecord, ParsedOrders

REQUIRED = ("created_at", "currency", "lineitem_quantity", "lineitem_price")
_ORDER_MONEY = (("subtotal", "subtotal"), ("shipping", "shipping"), ("taxes", "taxes"), ("total", "total"),
                ("discount_amount", "discount"), ("refunded_amount", "refunded"))


def read_shopify(table: CsvText, checks: Checks, parsed: ParsedOrders) -> None:
    export = shopify.ShopifyExport(table.rows(strip=False), file=table.file, problems=checks.problems, required=REQUIRED)
    column = export.column
    money_columns = [(source, target, column(source)) for source, target in _ORDER_MONEY]
    sku_column, quantity_column = column("lineitem_sku"), column("lineitem_quantity")
    price_column, discount_column = column("lineitem_price"), column("lineitem_discount")
    name_column, email_column = column("name"), column("email")
    created_column, currency_column = column("created_at"), column("currency")
    for order in export.iter_orders():
        parsed.rows += len(order.lines) or 1
        order_id, line = order.name, order.line
        if checks.key(order_id, "order", line, name_column, order_id) is None:
            continue
        placed = checks.moment(order.created_at, line, created_column, order_id)
        currency = checks.currency(order.currency, line, currency_column, order_id)
        if placed is None or currency is None:
            continue
        record = OrderRecord(line=line, external_id=order_id, placed_at=placed, currency=currency)
        if order.email:
            email = checks.email(order.email, line, email_column, order_id)
            if email is None:
                continue
            record.customer_key = record.email = email
            record.name = checks.text(order.billing_name or order.shipping_name, "name")
            record.accepts_marketing = checks.flag(order.accepts_marketing)
        field = order.country_field
        country = getattr(order, field)
        if country:
            if checks.country(country, line, column(field), order_id) is None:
                continue
            record.market = country.upper()
        record.financial_status = order.financial_status if order.financial_status in FINANCIAL_STATES else ""
        record.fulfillment_status = order.fulfillment_status if order.fulfillment_status in FULFILLMENT_STATES else ""
        if order.cancelled_at:
            record.cancelled = True
            record.cancelled_at = checks.moment(order.cancelled_at, line, column("cancelled_at"), order_id)
        for source, target, header in money_columns:
            value = getattr(order, source)
            if value:
                amount = checks.amount(value, line, header, order_id)
                if amount is not None:
                    setattr(record, target, amount)
        for item in order.lines:
            quantity = checks.quantity(item.quantity, item.line, quantity_column, order_id)
            price = checks.amount(item.price, item.line, price_column, order_id) if item.price else ZERO
            if quantity is None or price is None:
                continue
            if not quantity:
                continue
            sku = item.sku
            if sku and checks.key(sku, "sku", item.line, sku_column, order_id) is None:
                continue
            discount = checks.amount(item.discount, item.line, discount_column, order_id) if item.discount else ZERO
            if discount is None:
                continue
            record.lines.append(LineRecord(
                item.line, sku, checks.text(item.title or sku, "title"), quantity, price, discount,
            ))
        parsed.orders.append(record)
