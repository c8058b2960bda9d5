"""Link 7's pages with N customers and M orders stored: queries and server time of each, beside a bare view.

    DATABASE_URL=postgres://... .venv/bin/python bench/customers_pages.py [--customers 200000] [--orders 1000000]

Works in its own throwaway PostgreSQL database (created, migrated, dropped). Stores the customers, their
orders (one line each, 5% guest orders, 3% refunded, 1% cancelled, five markets and currencies over two
years) and a portrait run whose six segments hold every customer, by COPY, with the order figures the
imports keep (customers' first and last order, orders, net spend; the orders' money in the base
currency); then refreshes the monthly sales figures as an import does (timed). Requests each page
through Django's test client as a logged-in merchandiser, and a bare staff-only view through the same
middleware; prints queries per request and p50/p95 server time.
"""

import argparse
import io
import random
import statistics
import time
from datetime import datetime, timedelta, timezone

from benchdb import bench_database

urlpatterns = []
MARKETS = (("US", "USD", "1"), ("GB", "GBP", "1.26582278"), ("DE", "EUR", "1.08695652"), ("FR", "EUR", "1.08695652"),
           ("CA", "CAD", "0.72992701"))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def populate(n_customers: int, n_orders: int) -> dict:
    from django.db import connection, transaction

    from core.models import Cycle
    from customers.models import Product
    from portraits.models import PortraitRun, Segment

    rng = random.Random(11)
    cycle = Cycle.objects.create(number=1, name="bench")
    Product.objects.bulk_create(Product(sku=f"HT-{i:05d}", title=f"Blanket {i}", category="blanket") for i in range(500))
    products = list(Product.objects.values_list("pk", flat=True))
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    span = 730 * 86400
    customers, orders, lines = io.StringIO(), io.StringIO(), io.StringIO()
    figures: dict[int, list] = {}
    for c in range(1, n_customers + 1):
        figures[c] = [None, None, 0, 0.0]
    for o in range(1, n_orders + 1):
        guest = rng.random() < 0.05
        c = None if guest else rng.randint(1, n_customers)
        market, currency, rate = MARKETS[(c or o) % len(MARKETS)]
        placed = start + timedelta(seconds=rng.randrange(span))
        qty = rng.randint(1, 3)
        price = rng.randint(15, 90)
        gross = price * qty
        draw = rng.random()
        status, refunded, cancelled = "paid", 0, False
        if draw < 0.03:
            status, refunded = "refunded", gross
        elif draw < 0.04:
            cancelled = True
        net = 0 if cancelled or status == "refunded" else gross
        counted_gross = 0 if cancelled else gross
        rate_f = float(rate)
        orders.write(
            f"{o}\t{cycle.pk}\t{c if c else chr(92) + 'N'}\tshopify\t#{1000 + o}\t{placed.isoformat()}\t{market}\t{currency}\t"
            f"{status}\tfulfilled\t{'t' if cancelled else 'f'}\t\\N\t{'f' if cancelled else 't'}\t{gross}\t0\t5\t0\t{gross + 5}\t"
            f"{refunded}\t{counted_gross}\t{net}\t{rate}\t{counted_gross * rate_f:.2f}\t{net * rate_f:.2f}\t{refunded * rate_f:.2f}\t"
            f"{qty}\t\\N\t\\N\tf\t{placed.isoformat()}\t\t\t\n"
        )
        lines.write(f"{o}\t{rng.choice(products)}\t{qty}\t{price}\t0\t{gross}\t{gross * rate_f:.2f}\n")
        if c and not cancelled:
            f = figures[c]
            f[0] = placed if f[0] is None or placed < f[0] else f[0]
            f[1] = placed if f[1] is None or placed > f[1] else f[1]
            f[2] += 1
            f[3] += net * rate_f
    for c, (first, last, n, spend) in figures.items():
        market = MARKETS[c % len(MARKETS)][0]
        customers.write(
            f"{c}\tshopify\tshopper{c}@example.org\tshopper{c}@example.org\tShopper {c}\t{market}\t"
            f"{first.isoformat() if first else chr(92) + 'N'}\t{'t' if c % 3 else 'f'}\timport\t{start.isoformat()}\t"
            f"{first.isoformat() if first else chr(92) + 'N'}\t{last.isoformat() if last else chr(92) + 'N'}\t{n}\t{spend:.2f}\t\\N\tf\n"
        )
    run = PortraitRun.objects.create(cycle=cycle, status=PortraitRun.Status.DONE, n_customers=n_customers, n_segments=6)
    segments = [Segment.objects.create(run=run, label=i, name=f"Segment {i}", size=n_customers // 6, profile={})
                for i in range(6)]
    memberships = io.StringIO("".join(
        f"{run.pk}\t{segments[c % 6].pk}\t{c}\t{c % 365}\t{c % 700}\t1\t40\t40\t3\t1\t3\tAbout to sleep\t0\t0\t\t\t\t\n"
        for c in range(1, n_customers + 1)
    ))
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, buffer in (
            ("customers_customer", "id, platform, external_id, email, name, country, first_seen, marketing_consent, "
             "consent_source, consent_updated_at, first_order_at, last_order_at, order_count, net_spend_base, erased_at, is_demo",
             customers),
            ("customers_order", "id, cycle_id, customer_id, platform, external_id, placed_at, market, currency, "
             "financial_status, fulfillment_status, cancelled, cancelled_at, is_sale, subtotal, discount, shipping, taxes, "
             "total, refunded, gross, net, fx_rate, gross_base, net_base, refunded_base, item_count, source_updated_at, "
             "tracked_link_id, is_demo, updated_at, lines_digest, landing_url, referring_site", orders),
            ("customers_orderline", "order_id, product_id, quantity, unit_price, discount, amount, amount_base", lines),
            ("portraits_segmentmembership", "run_id, segment_id, customer_id, recency_days, tenure_days, frequency, "
             "monetary, avg_order_value, r_score, f_score, m_score, rfm_group, returns, reviews, market, channel, "
             "price_band, top_attributes", memberships),
        ):
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        for table in ("customers_customer", "customers_order", "customers_orderline", "portraits_segmentmembership"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    busy = max(figures, key=lambda c: figures[c][2])
    return {"segment": segments[2].pk, "customer": busy}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    args = parser.parse_args()
    with bench_database("custpages"):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.decorators import user_passes_test
        from django.db import connection
        from django.http import HttpResponse
        from django.test import Client, override_settings
        from django.urls import include, path

        from customers.models import Order
        from customers.services import sales_figures_refresh

        @user_passes_test(lambda u: u.is_staff)
        def bare(request):
            return HttpResponse("ok")

        urlpatterns[:] = [path("bare/", bare), path("", include("c2f.urls"))]
        t0 = time.perf_counter()
        ids = populate(args.customers, args.orders)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        setup = time.perf_counter() - t0
        t0 = time.perf_counter()
        figures = sales_figures_refresh()
        refresh = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_salesmonth; ANALYZE customers_cohortmonth")
        order = Order.objects.filter(customer_id=ids["customer"]).order_by("-placed_at").first()

        pages = [
            ("customers (newest last order)", "/customers/"),
            ("customers ?market=GB&sort=-spend", "/customers/?market=GB&sort=-spend"),
            ("customers ?segment=", f"/customers/?segment={ids['segment']}"),
            ("customers ?q=shopper12345", "/customers/?q=shopper12345"),
            ("customers ?last_order_from&spend_min", "/customers/?last_order_from=2024-06-01&spend_min=200"),
            ("orders (newest)", "/customers/orders/"),
            ("orders ?status=refunded", "/customers/orders/?status=refunded"),
            ("orders ?guest=true", "/customers/orders/?guest=true"),
            ("orders ?market=DE&placed 2024", "/customers/orders/?market=DE&placed_from=2024-01-01&placed_to=2024-12-31"),
            ("orders ?sort=-net", "/customers/orders/?sort=-net"),
            ("customer page", f"/customers/{ids['customer']}/"),
            ("order page", f"/customers/orders/{order.pk}/"),
            ("sales charts", "/customers/charts/"),
            ("import log", "/customers/imports/"),
            ("bare staff view", "/bare/"),
        ]
        user = get_user_model().objects.create_user("bench", password="x", is_staff=True)
        client = Client()
        client.force_login(user)
        results = {}
        with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
            for label, url in pages:
                for _ in range(3):
                    assert client.get(url).status_code == 200, url
                queries = []

                def count(execute, sql, params, many, context, queries=queries):
                    queries.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    assert client.get(url).status_code == 200
                timings = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    client.get(url)
                    timings.append((time.perf_counter() - t0) * 1000)
                results[label] = (len(queries), statistics.median(timings), percentile(timings, 0.95))

        print(f"data: {args.customers:,} customers, {Order.objects.count():,} orders (one line each), PostgreSQL "
              f"{connection.pg_version}; setup {setup:.0f} s; monthly figures refreshed in {refresh:.1f} s "
              f"({figures['months']} month×market rows, {figures['cohorts']} cohort rows); {args.requests} requests each")
        bare_p95 = results["bare staff view"][2]
        slowest = 0.0
        for label, (n, p50, p95) in results.items():
            print(f"{label:<40} {n:3d} queries   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
            if label != "bare staff view":
                slowest = max(slowest, p95)
        print(f"slowest page p95 {slowest:.0f} ms (bare view {bare_p95:.0f} ms); target < 300 ms -> "
              f"{'met' if slowest < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
