"""Shopify's orders export (Admin → Orders → Export) -> order records, read by ``core.files.shopify_orders``.

What is taken from each order: its name (``#1001``), email (the customer's identity; none on draft,
point-of-sale and some manual orders, which become guest orders), billing name, *Accepts Marketing*,
currency, the money columns (subtotal after discounts, shipping, taxes, total, discount amount, refunded
amount), financial and fulfilment status, *Cancelled at*, the shipping country (else the billing
country) and its line items (quantity, name, unit price before discounts, SKU, line discount). Notes,
addresses, phone numbers and payment references are never read.

The loop is written for exports of a million rows: the common value of each cell (an amount seen
before, an email already checked) is taken from the checks' caches without a call.
"""

from core.files import CsvText
from core.files import shopify_orders as shopify

from .checks import AMOUNTS, FORMULA_FIRST, MAX_QUANTITY, Checks
from .records import FINANCIAL_STATES, FULFILLMENT_STATES, ZERO, LineRecord, OrderRecord, ParsedOrders

REQUIRED = ("created_at", "currency", "lineitem_quantity", "lineitem_price")


def read_shopify(table: CsvText, checks: Checks, parsed: ParsedOrders) -> None:
    export = shopify.ShopifyExport(table.rows(strip=False), file=table.file, problems=checks.problems, required=REQUIRED)
    column = export.column
    money = [(name, column(name)) for name in ("subtotal", "shipping", "taxes", "total", "discount_amount", "refunded_amount")]
    sku_column, quantity_column = column("lineitem_sku"), column("lineitem_quantity")
    price_column, discount_column = column("lineitem_price"), column("lineitem_discount")
    name_column, email_column = column("name"), column("email")
    created_column, currency_column = column("created_at"), column("currency")
    amount, amounts = checks.amount, AMOUNTS
    for order in export.iter_orders():
        order_id, line = order.name, order.line
        parsed.rows += len(order.lines) or 1
        if len(order_id) > 80 or order_id[:1] in FORMULA_FIRST:
            checks.key(order_id, "order", line, name_column, order_id)
            continue
        placed = checks.moment(order.created_at, line, created_column, order_id)
        currency = checks.currency(order.currency, line, currency_column, order_id)
        if placed is None or currency is None:
            continue
        values = []
        for name, header in money:
            text = getattr(order, name)
            values.append((amounts.get(text) or amount(text, line, header, order_id)) if text else ZERO)
        if None in values:
            continue
        subtotal, shipping, taxes, total, discount, refunded = values
        record = OrderRecord(
            line, order_id, placed, currency, "", "", "", None, "",
            order.financial_status if order.financial_status in FINANCIAL_STATES else "",
            order.fulfillment_status if order.fulfillment_status in FULFILLMENT_STATES else "",
            bool(order.cancelled_at), None, subtotal if order.subtotal else None, discount, shipping, taxes,
            total if order.total else None, refunded,
        )
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
        if order.cancelled_at:
            record.cancelled_at = checks.moment(order.cancelled_at, line, column("cancelled_at"), order_id)
        lines = record.lines
        for item in order.lines:
            quantity_text = item.quantity
            if quantity_text.isdigit() and len(quantity_text) < 7 and int(quantity_text) <= MAX_QUANTITY:
                quantity = int(quantity_text)
            else:
                quantity = checks.quantity(quantity_text, item.line, quantity_column, order_id)
                if quantity is None:
                    continue
            price_text = item.price
            price = (amounts.get(price_text) or amount(price_text, item.line, price_column, order_id)) if price_text else ZERO
            if price is None or not quantity:
                continue
            sku = item.sku
            if sku and (len(sku) > 64 or sku[:1] in FORMULA_FIRST):
                checks.key(sku, "sku", item.line, sku_column, order_id)
                continue
            discount_text = item.discount
            line_discount = (
                (amounts.get(discount_text) or amount(discount_text, item.line, discount_column, order_id))
                if discount_text else ZERO
            )
            if line_discount is None:
                continue
            title = item.title or sku
            if title[:1] in FORMULA_FIRST or len(title) > 200:
                title = checks.text(title, "title")
            lines.append(LineRecord(item.line, sku, title, quantity, price, line_discount))
        parsed.orders.append(record)
