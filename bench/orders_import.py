"""Import N order lines from a Shopify-format orders export into PostgreSQL, beside a raw COPY of the same rows.

    DATABASE_URL=postgres://... .venv/bin/python bench/orders_import.py [--lines 1000000] [--customers 200000]

Works in its own throwaway database (created, migrated, dropped). Writes a synthetic export in the
current Shopify header (79 columns; one row per line item, the order's columns on its first row; one
to four lines an order; the customers drawn from --customers emails) to a temporary file.

- **Raw COPY (baseline)**: the customers, orders and lines the import ends with, formatted from memory
  and COPYed straight into the same three tables (same indexes and constraints).
- **Import**: ``customers.services.orders_import_data`` on the file's bytes, as ``import_orders`` and
  the dashboard's upload call it: decoding, reading and checking every row, money in the base
  currency, customers' order figures, one transaction (on PostgreSQL: COPY with ids from the sequences).
- **Import again**: the same file once more (every order unchanged, nothing written).

Each is timed --repeat times on emptied tables (the import again on the imported ones) and the best
time is kept, the same for both: the machine is shared. Prints each with its time, its rate in order
lines a second, and the import's rate over the COPY's.
"""

import argparse
import csv
import io
import os
import random
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from benchdb import bench_database

HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
    "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,"
    "Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,"
    "Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,"
    "Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,"
    "Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,"
    "Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,"
    "Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,"
    "Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")
MARKETS = (("US", "USD"), ("GB", "GBP"), ("DE", "EUR"), ("FR", "EUR"), ("CA", "CAD"))


def make_orders(n_lines: int, n_customers: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2023, 1, 1, tzinfo=timezone(timedelta(hours=-5)))
    orders, made, number = [], 0, 1000
    while made < n_lines:
        number += 1
        k = min(rng.choice((1, 1, 1, 2, 2, 3, 4)), n_lines - made)
        customer = rng.randrange(n_customers)
        market, currency = MARKETS[customer % len(MARKETS)]
        lines = [(f"HT-{rng.randrange(2000):05d}", rng.randint(1, 3), Decimal(rng.randint(10, 90))) for _ in range(k)]
        gross = sum((price * qty for _, qty, price in lines), Decimal(0))
        discount = (gross * Decimal("0.10")).quantize(Decimal("0.01")) if rng.random() < 0.2 else Decimal("0.00")
        refunded = Decimal("0.00")
        status = "paid"
        draw = rng.random()
        if draw < 0.03:
            status, refunded = "refunded", gross - discount
        elif draw < 0.06:
            status, refunded = "partially_refunded", (gross / 4).quantize(Decimal("0.01"))
        orders.append({
            "name": f"#{number}", "email": f"shopper{customer}@example.org", "customer": customer, "market": market,
            "currency": currency, "placed_at": start + timedelta(minutes=number), "lines": lines, "gross": gross,
            "discount": discount, "refunded": refunded, "status": status, "cancelled": draw > 0.99,
        })
        made += k
    return orders


def write_export(orders: list[dict], path: str) -> None:
    width, at = len(HEADER), {h: i for i, h in enumerate(HEADER)}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for order in orders:
            created = order["placed_at"].strftime("%Y-%m-%d %H:%M:%S %z")
            for i, (sku, qty, price) in enumerate(order["lines"]):
                row = [""] * width
                row[at["Name"]], row[at["Created at"]] = order["name"], created
                row[at["Lineitem quantity"]], row[at["Lineitem name"]] = str(qty), f"Blanket {sku} - cream"
                row[at["Lineitem price"]], row[at["Lineitem sku"]] = f"{price:.2f}", sku
                row[at["Lineitem requires shipping"]] = row[at["Lineitem taxable"]] = "true"
                row[at["Lineitem fulfillment status"]], row[at["Vendor"]] = "fulfilled", "Hearth & Loom"
                row[at["Lineitem discount"]] = "0.00"
                if i == 0:
                    subtotal = order["gross"] - order["discount"]
                    for header, value in (
                        ("Email", order["email"]), ("Financial Status", order["status"]), ("Paid at", created),
                        ("Fulfillment Status", "fulfilled"), ("Accepts Marketing", "yes" if order["customer"] % 3 else "no"),
                        ("Currency", order["currency"]), ("Subtotal", f"{subtotal:.2f}"), ("Shipping", "5.00"),
                        ("Taxes", "0.00"), ("Total", f"{subtotal + 5:.2f}"), ("Discount Amount", f"{order['discount']:.2f}"),
                        ("Shipping Method", "Standard"), ("Billing Name", f"Shopper {order['customer']}"),
                        ("Billing Country", order["market"]), ("Shipping Name", f"Shopper {order['customer']}"),
                        ("Shipping Country", order["market"]), ("Payment Method", "Shopify Payments"),
                        ("Refunded Amount", f"{order['refunded']:.2f}"), ("Outstanding Balance", "0.00"),
                        ("Id", str(5512345678901 + len(order["name"]))), ("Risk Level", "Low"), ("Source", "web"),
                        ("Cancelled at", created if order["cancelled"] else ""),
                    ):
                        row[at[header]] = value
                out.writerow(row)


def raw_copy(orders: list[dict], product_ids: dict[str, int]) -> float:
    """The baseline: the rows the import ends with, formatted from memory and COPYed in. Returns seconds."""
    from django.db import connection, transaction

    t0 = time.perf_counter()
    customers, orders_buf, lines_buf = io.StringIO(), io.StringIO(), io.StringIO()
    seen: dict[int, int] = {}
    now = datetime.now(timezone.utc).isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        for order_id, order in enumerate(orders, start=1):
            customer = order["customer"]
            if customer not in seen:
                seen[customer] = len(seen) + 1
                customers.write(f"{seen[customer]}\tshopify\t{order['email']}\t{order['email']}\tShopper {customer}\t"
                                f"{order['market']}\t{order['placed_at'].isoformat()}\tt\timport\t{now}\t\\N\t\\N\t0\t0\t\\N\tf\n")
            net = max(order["gross"] - order["discount"] - order["refunded"], Decimal(0))
            orders_buf.write(
                f"{order_id}\t\\N\t{seen[customer]}\tshopify\t{order['name']}\t{order['placed_at'].isoformat()}\t"
                f"{order['market']}\t{order['currency']}\t{order['status']}\tfulfilled\tf\t\\N\tt\t"
                f"{order['gross'] - order['discount']}\t{order['discount']}\t5.00\t0.00\t{order['gross'] - order['discount'] + 5}\t"
                f"{order['refunded']}\t{order['gross']}\t{net}\t1\t{order['gross']}\t{net}\t{order['refunded']}\t"
                f"{sum(q for _, q, _ in order['lines'])}\t\\N\t\\N\tf\t{now}\t\t\t\n"
            )
            for sku, qty, price in order["lines"]:
                lines_buf.write(f"{order_id}\t{product_ids[sku]}\t{qty}\t{price}\t0\t{price * qty}\t{price * qty}\n")
        for table, columns, buffer in (
            ("customers_customer", "id, platform, external_id, email, name, country, first_seen, marketing_consent, "
             "consent_source, consent_updated_at, first_order_at, last_order_at, order_count, net_spend_base, erased_at, is_demo",
             customers),
            ("customers_order", "id, cycle_id, customer_id, platform, external_id, placed_at, market, currency, "
             "financial_status, fulfillment_status, cancelled, cancelled_at, is_sale, subtotal, discount, shipping, taxes, "
             "total, refunded, gross, net, fx_rate, gross_base, net_base, refunded_base, item_count, source_updated_at, "
             "tracked_link_id, is_demo, updated_at, lines_digest, landing_url, referring_site", orders_buf),
            ("customers_orderline", "order_id, product_id, quantity, unit_price, discount, amount, amount_base", lines_buf),
        ):
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines in the export")
    parser.add_argument("--customers", type=int, default=200_000, help="distinct customers")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each, the best kept")
    args = parser.parse_args()
    with bench_database("orders"):
        from django.db import connection

        from customers.models import Customer, Order, OrderLine, Product
        from customers.services import orders_import_data

        orders = make_orders(args.lines, args.customers)
        n_orders, n_lines = len(orders), sum(len(o["lines"]) for o in orders)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "orders_export.csv")
            write_export(orders, path)
            data = open(path, "rb").read()

        # The products exist before either run, as they would in a shop's second year.
        Product.objects.bulk_create(Product(sku=f"HT-{i:05d}", title=f"Blanket HT-{i:05d}", category="blanket")
                                    for i in range(2000))
        product_ids = dict(Product.objects.values_list("sku", "pk"))

        def clean():
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE customers_orderline, customers_order, customers_customer CASCADE")
                cursor.execute("VACUUM ANALYZE customers_orderline, customers_order, customers_customer")

        copy_times, import_times, again_times = [], [], []
        for _ in range(args.repeat):
            clean()
            copy_times.append(raw_copy(orders, product_ids))
            assert OrderLine.objects.count() == n_lines and Order.objects.count() == n_orders
        for _ in range(args.repeat):
            clean()
            t0 = time.perf_counter()
            report = orders_import_data(fmt="shopify", filename="orders_export.csv", data=data, max_bytes=len(data) + 1)
            import_times.append(time.perf_counter() - t0)
            assert report.ok, report.problems[:5]
            assert (report.orders_new, report.lines) == (n_orders, n_lines), (report.orders_new, report.lines)
            assert Customer.objects.count() == len({o["customer"] for o in orders})
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            again = orders_import_data(fmt="shopify", filename="orders_export.csv", data=data, max_bytes=len(data) + 1)
            again_times.append(time.perf_counter() - t0)
            assert again.ok and (again.orders_new, again.orders_updated, again.orders_unchanged) == (0, 0, n_orders)
        copy_seconds, import_seconds, again_seconds = min(copy_times), min(import_times), min(again_times)

        def line(label, seconds):
            print(f"{label:<46}{seconds:8.2f} s {n_lines / seconds:11,.0f} lines/s  ratio to COPY {copy_seconds / seconds:.2f}")

        print(f"data: {n_lines:,} order lines in {n_orders:,} orders of {Customer.objects.count():,} customers, "
              f"a {len(data) / 2**20:,.0f} MB Shopify export, PostgreSQL {connection.pg_version}, best of {args.repeat}")
        line("raw COPY of the same rows (baseline)", copy_seconds)
        line("import_orders --format shopify", import_seconds)
        line("the same file again (all unchanged)", again_seconds)
        print("target: import rate >= 0.6 of the raw COPY rate (and never below 1/3)")


if __name__ == "__main__":
    main()
