"""Every dashboard page at a grown seller's size: server time and query count, beside a bare view.

    DATABASE_URL=postgres://... .venv/bin/python bench/dashboard_pages.py [--customers 200000]
        [--orders 1000000] [--requests 15] [--only 'home|customers:list'] [--keep | --reuse DB]

Works in its own throwaway PostgreSQL database (created, migrated, dropped). Fills two cycles:
``--customers`` shop customers and ``--orders`` orders (90 % of them in the current cycle, 1 to 3
lines each), a click per order on the campaigns' tracked links, a portrait run with a segment
for every customer, and what the other links hold at that size (300 hotspots a cycle on weekly
series of 260 points, 30 opportunities, 10 concepts with 6 variants, vote rounds of 100 buyers,
production orders with lines, events and payments, campaigns with posts, pre-orders, imports
and task runs). Then requests every dashboard list and detail page through Django's test
client, logged in as a merchandiser with DEBUG off, and a bare staff-only view through the same
middleware; prints each page's query count and median and p95 server time over ``--requests``
requests (after two warm-up requests), and whether it stays under the 300 ms goal; and the first visit's
time with an empty cache, when the figures a page keeps over the biggest tables (a cycle's orders,
a campaign's clicks) are counted afresh, as after an import.
"""

import argparse
import datetime
import json
import math
import random
import statistics
import time
from decimal import Decimal

from benchdb import bench_database

GOAL_MS = 300
urlpatterns = []


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def fill(*, customers: int, orders: int, rng: random.Random) -> dict:
    """The grown seller's data; returns the ids the pages are requested with."""
    from django.db import connection, transaction
    from django.utils import timezone

    from analysis.models import Attribute, Opportunity
    from analysis.services import attribute_lexicon_seed
    from core.models import Cycle, TaskRun
    from customers.models import Platform, Product
    from design.models import ComplianceItem, Concept, Variant
    from hotspots.models import Hotspot, TrendImport, TrendPoint, TrendSeries, TrendSource, WatchKeyword, Watchlist
    from hotspots.scoring import score_series
    from portraits.models import Brief, PortraitRun, Segment
    from production.models import (
        Factory, FactoryPayment, PreOrder, ProductionEvent, ProductionOrder, ProductionOrderLine,
    )
    from promotion.models import Campaign, Post, TrackedLink
    from samples.models import Buyer, Invitation, Sample, Vote, VoteRound

    now = timezone.now()
    markets = ["US", "GB", "DE"]
    with transaction.atomic():
        attribute_lexicon_seed()
        attributes = list(Attribute.objects.all()[:40])
        first = Cycle.objects.create(number=1, name="Cycle 1", status=Cycle.Status.CLOSED)
        current = Cycle.objects.create(number=2, name="Cycle 2", previous=first)
        start = datetime.date(2021, 1, 3)
        series = TrendSeries.objects.bulk_create(
            TrendSeries(source=TrendSource.TRENDS_EXPORT, keyword=f"bench keyword {i}", market=markets[i % 3],
                        granularity="week")
            for i in range(300)
        )
        points, values_of = [], {}
        for s in series:
            base, drift = rng.uniform(5, 60), rng.uniform(-0.1, 0.2)
            values = [round(min(100, max(0, base + drift * i + 8 * math.sin(i / 8.3) + rng.gauss(0, 3))), 1) for i in range(260)]
            values_of[s.pk] = values
            points.extend(TrendPoint(series=s, date=start + datetime.timedelta(weeks=i), value=v) for i, v in enumerate(values))
        TrendPoint.objects.bulk_create(points, batch_size=5000)
        ids = {"cycles": [first.number, current.number]}
        for cycle in (first, current):
            watchlist = Watchlist.objects.create(cycle=cycle, name=f"Watchlist {cycle.number}", markets=markets)
            WatchKeyword.objects.bulk_create(
                WatchKeyword(watchlist=watchlist, keyword=s.keyword, category="blanket") for s in series
            )
            hotspots = []
            for s in series:
                scored = score_series(values_of[s.pk], periods_per_year=52)
                hotspots.append(Hotspot(
                    cycle=cycle, series=s, keyword=s.keyword, market=s.market, category="blanket", score=scored.score,
                    level=scored.level, growth=scored.growth, slope=scored.slope, components=scored.components(),
                ))
            hotspots = Hotspot.objects.bulk_create(hotspots)
            for rank in range(1, 31):
                opportunity = Opportunity.objects.create(
                    cycle=cycle, category="blanket", market=markets[rank % 3], key=f"blanket|{markets[rank % 3]}|a{rank}",
                    score=150 - rank, rank=rank,
                    components={"demand": 80.0, "growth": 0.4, "growth_factor": 1.1, "competition": None,
                                "competition_factor": 1.0, "competition_known_for": "0 of 3 hotspots", "supply": None,
                                "supply_factor": 1.0, "supply_listings": 0, "supply_matching": 0, "fit": 0.5,
                                "pair_discount": 1.0},
                )
                opportunity.attributes.add(attributes[rank % len(attributes)])
                opportunity.hotspots.add(*hotspots[rank * 3: rank * 3 + 3])
            ids.setdefault("hotspot", hotspots[0].pk)
            ids["opportunity"] = opportunity.pk
            ids["series"] = series[0].pk
            ids["watchlist"] = watchlist.pk
            ids["keyword"] = series[0].keyword

        buyers = Buyer.objects.bulk_create(
            Buyer(name=f"Buyer {i}", email=f"buyer{i}@buyers.test", company=f"Shop {i}", markets=[markets[i % 3]])
            for i in range(300)
        )
        factories = [Factory.objects.create(name=f"Factory {i}", categories=["blanket"], min_batch=150) for i in range(5)]
        concept_variants = []
        for cycle in (first, current):
            for c in range(10):
                concept = Concept.objects.create(
                    cycle=cycle, name=f"Concept {cycle.number}-{c}", category="blanket", target_markets=markets,
                    target_price=Decimal("49.00"), unit_cost=Decimal("14.50"), opportunity=opportunity,
                    status=Concept.Status.CONFIRMED if c < 8 else Concept.Status.SAMPLING,
                )
                variants = Variant.objects.bulk_create(
                    Variant(concept=concept, sku=f"C{cycle.number}-{c}-V{v}", colour=["cream", "sage green", "blue grey"][v % 3],
                            size=["130x170", "150x200"][v % 2])
                    for v in range(6)
                )
                concept_variants.append((concept, variants))
                ComplianceItem.objects.bulk_create(
                    ComplianceItem(concept=concept, market=m, title=f"Rule {t}", required=True,
                                   checked=c < 8, evidence_note="ok" if c < 8 else "")
                    for m in markets for t in range(2)
                )
                sample = Sample.objects.create(concept=concept, version=1,
                                               status=Sample.Status.CONFIRMED if c < 8 else Sample.Status.IN_REVIEW)
                closed = c < 8
                vote_round = VoteRound.objects.create(
                    cycle=cycle, sample=sample, opens_at=now - datetime.timedelta(days=30 if closed else 2),
                    closes_at=now - datetime.timedelta(days=20) if closed else now + datetime.timedelta(days=8),
                    status=VoteRound.Status.CLOSED if closed else VoteRound.Status.OPEN,
                    decision=VoteRound.Decision.CONFIRM if c < 7 else "",
                )
                invited = rng.sample(buyers, 100)
                Invitation.objects.bulk_create(Invitation(round=vote_round, buyer=b, sent_at=vote_round.opens_at) for b in invited)
                Vote.objects.bulk_create(
                    Vote(round=vote_round, buyer=b, score=rng.randint(2, 5), would_order_qty=rng.choice([0, 24, 48, 96]),
                         preferred_variant=rng.choice(variants), market=b.markets[0], acceptable_price=Decimal("24.50"))
                    for b in invited[:70]
                )
                ids["sample"], ids["round"], ids["concept"] = sample.pk, vote_round.pk, concept.pk
                if c < 6:
                    order = ProductionOrder.objects.create(
                        cycle=cycle, factory=factories[c % 5], reference=f"PO-{cycle.number}-{c:03d}", sample=sample,
                        sizing_round=vote_round, unit_price=Decimal("12.80"), status=ProductionOrder.Status.RECEIVED if cycle == first else ProductionOrder.Status.IN_PRODUCTION,
                        due_date=now.date() + datetime.timedelta(days=10 - c * 4), released_at=now - datetime.timedelta(days=15),
                        sizing={"total": 600, "min_batch": 150, "responses": 70, "total_would_order": 1800},
                    )
                    ProductionOrderLine.objects.bulk_create(
                        ProductionOrderLine(order=order, variant=v, market=m, quantity=rng.randint(20, 80))
                        for v in variants for m in markets
                    )
                    ProductionEvent.objects.bulk_create(
                        ProductionEvent(order=order, from_status=a, to_status=b, actor="bench")
                        for a, b in (("", "draft"), ("draft", "released"), ("released", "accepted"), ("accepted", "in_production"))
                    )
                    FactoryPayment.objects.create(factory=order.factory, order=order, kind=FactoryPayment.Kind.DEPOSIT,
                                                  amount=Decimal("2300.00"), actor="bench")
                    ids["order"] = order.pk
                    for m in markets:
                        campaign = Campaign.objects.create(cycle=cycle, concept=concept, production_order=order,
                                                           name=f"{concept.name} · {m}", market=m, starts_on=now.date())
                        for ch, channel in enumerate(["instagram", "x", "facebook", "tiktok", "pinterest"]):
                            sent_at = now - datetime.timedelta(days=10 - ch)
                            post = Post.objects.create(campaign=campaign, channel=channel, text="Bench post",
                                                       scheduled_at=sent_at, sent_at=sent_at, status=Post.Status.SENT)
                            TrackedLink.objects.create(campaign=campaign, post=post, code=f"b{campaign.pk}-{ch}",
                                                       destination_url="https://shop.c2f.localhost/p/x",
                                                       utm_source=channel, utm_campaign=f"bench-{campaign.pk}")
                        ids["campaign"] = campaign.pk
        PreOrder.objects.bulk_create(
            PreOrder(variant=rng.choice(concept_variants)[1][0], market=rng.choice(markets), quantity=rng.randint(1, 5),
                     channel=PreOrder.Channel.SHOPIFY, reference=f"#{i}", ordered_at=now - datetime.timedelta(hours=i))
            for i in range(3000)
        )
        TrendImport.objects.bulk_create(
            TrendImport(filename=f"multiTimeline ({i}).csv", kind="multiTimeline", source=TrendSource.TRENDS_EXPORT,
                        status=TrendImport.Status.FAILED if i % 25 == 0 else TrendImport.Status.OK, new=260,
                        error="line 4: not a date" if i % 25 == 0 else "")
            for i in range(300)
        )
        TaskRun.objects.bulk_create(
            TaskRun(kind="cycle.run", cycle=current, status=TaskRun.Status.DONE, done=8, total=8) for _ in range(50)
        )
        products = Product.objects.bulk_create(
            [Product(sku=f"CAT-{i}", title=f"Catalogue item {i}", category="blanket") for i in range(400)]
            + [Product(sku=v.sku, title=f"{concept.name} {v}", category="blanket", concept=concept, variant=v)
               for concept, variants in concept_variants for v in variants]
        )
        ids["product_min"], ids["product_max"] = products[0].pk, products[-1].pk

    # The shop's customers, orders, lines and clicks, set-based.
    cursor = connection.cursor()
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute(
        """INSERT INTO customers_customer (platform, external_id, email, name, country, first_seen, marketing_consent,
                                           consent_source, order_count, net_spend_base, is_demo)
           SELECT %s, 'C' || g, 'c' || g || '@shop.test', '', (ARRAY['US','GB','DE'])[1 + g %% 3],
                  now() - random() * interval '700 days', false, '', 0, 0, false
           FROM generate_series(1, %s) g""",
        [Platform.SHOPIFY, customers],
    )
    cursor.execute("SELECT min(id), max(id) FROM customers_customer")
    c_min, c_max = cursor.fetchone()
    cursor.execute("SELECT min(id), max(id) FROM promotion_trackedlink")
    l_min, l_max = cursor.fetchone()
    in_first = orders // 10
    cursor.execute(
        """INSERT INTO customers_order (cycle_id, customer_id, platform, external_id, placed_at, market, currency,
                                        total, subtotal, gross, net, discount, shipping, taxes, refunded,
                                        financial_status, fulfillment_status, cancelled, is_sale, item_count,
                                        landing_url, referring_site, lines_digest, updated_at, tracked_link_id, is_demo)
           SELECT cycle_id, customer_id, platform, external_id, placed_at, market, currency,
                  total, total, total, total, 0, 0, 0, 0, 'paid', 'fulfilled', false, true, 1, '', '', '', now(),
                  tracked_link_id, false
           FROM (SELECT CASE WHEN g <= %s THEN %s ELSE %s END AS cycle_id,
                        %s + floor(random() * (%s - %s + 1))::int AS customer_id, %s AS platform, 'O' || g AS external_id,
                        now() - random() * interval '365 days' AS placed_at, (ARRAY['US','GB','DE'])[1 + g %% 3] AS market,
                        CASE WHEN g %% 7 = 0 THEN 'GBP' WHEN g %% 5 = 0 THEN 'EUR' ELSE 'USD' END AS currency,
                        round((20 + random() * 150)::numeric, 2) AS total,
                        CASE WHEN random() < 0.3 THEN %s + floor(random() * (%s - %s + 1))::int END AS tracked_link_id
                 FROM generate_series(1, %s) g) rows""",
        [in_first, first.pk, current.pk, c_min, c_max, c_min, Platform.SHOPIFY, l_min, l_max, l_min, orders],
    )
    cursor.execute(
        """INSERT INTO customers_orderline (order_id, product_id, quantity, unit_price, discount, amount)
           SELECT order_id, product_id, quantity, unit_price, 0, quantity * unit_price
           FROM (SELECT o.id AS order_id, %s + floor(random() * (%s - %s + 1))::int AS product_id,
                        1 + floor(random() * 2)::int AS quantity, round((15 + random() * 60)::numeric, 2) AS unit_price
                 FROM customers_order o, generate_series(1, 1 + (o.id %% 3 = 0)::int)) rows""",
        [ids["product_min"], ids["product_max"], ids["product_min"]],
    )
    cursor.execute(
        """INSERT INTO promotion_click (link_id, campaign_id, at, country, referrer, channel, device, is_demo)
           SELECT l.id, l.campaign_id, picked.at, 'US', '', 'instagram', 'mobile', false
           FROM (SELECT %s + floor(random() * (%s - %s + 1))::int AS link_id, now() - random() * interval '10 days' AS at
                 FROM generate_series(1, %s)) picked
           JOIN promotion_trackedlink l ON l.id = picked.link_id""",
        [l_min, l_max, l_min, orders],
    )
    cursor.execute(
        """INSERT INTO customers_review (product_id, customer_id, order_id, source, external_id, rating, title, text,
                                         created_at, reviewer, country, is_demo)
           SELECT l.product_id, o.customer_id, o.id, 'shopify', 'b' || l.id, 1 + floor(random() * 5)::int, '', 'Fine.',
                  o.placed_at, '', o.market, false
           FROM customers_orderline l JOIN customers_order o ON o.id = l.order_id WHERE l.id % 40 = 0"""
    )
    with transaction.atomic():
        for cycle in (first, current):
            run = PortraitRun.objects.create(cycle=cycle, status=PortraitRun.Status.DONE, n_customers=customers,
                                             n_segments=8, finished_at=now, params={"k": 8, "customers": customers})
            segments = Segment.objects.bulk_create(
                Segment(run=run, label=i, name=f"Segment {i}", size=customers // 8,
                        profile={"size": customers // 8, "customer_share": 0.125, "currency": "USD",
                                 "rfm": {"recency_days": 40, "frequency": 1.6, "monetary": 120}})
                for i in range(8)
            )
            for segment in segments:
                Brief.objects.create(run=run, segment=segment, category="throw", attributes=["sherpa"],
                                     price_low=Decimal("30"), price_high=Decimal("45"), markets=["US"], keywords=["sherpa throw"],
                                     for_cycle=current if cycle == first else None)
            ids["run"], ids["segment"], ids["brief"] = run.pk, segments[0].pk, segments[0].brief.pk
        cursor.execute(
            """INSERT INTO portraits_segmentmembership (run_id, segment_id, customer_id, recency_days, tenure_days,
                                                        frequency, monetary, avg_order_value, returns, reviews, market,
                                                        channel, price_band, r_score, f_score, m_score, rfm_group,
                                                        top_attributes)
               SELECT %s, %s + (c.id %% 8), c.id, 40, 300, 2, 120.5, 60.25, 0, 0, c.country, '', 'mid', 3, 3, 3,
                      'Need attention', ''
               FROM customers_customer c""",
            [run.pk, segments[0].pk],
        )
    cursor.execute("SELECT id FROM customers_order ORDER BY id DESC LIMIT 1")
    ids["shop_order"] = cursor.fetchone()[0]
    cursor.execute("SELECT customer_id FROM customers_order ORDER BY id DESC LIMIT 1")
    ids["customer"] = cursor.fetchone()[0]
    ids["factory"] = factories[0].pk
    ids["task_run"] = TaskRun.objects.order_by("-id").values_list("pk", flat=True).first()
    ids["panel_sample"] = ids["sample"]
    cursor.execute("VACUUM ANALYZE")
    return ids


def pages(ids: dict) -> list[tuple[str, str]]:
    """(name, path) of every dashboard list and detail page."""
    from django.urls import reverse

    return [
        ("home", reverse("dashboard:home")),
        ("home, all cycles", reverse("dashboard:home") + "?todo=all"),
        ("cycle 1", reverse("dashboard:cycle", args=[1])),
        ("run the loop (confirm)", reverse("dashboard:cycle_run", args=[2])),
        ("reorders", reverse("dashboard:reorders")),
        ("hotspots:list", reverse("hotspots:list")),
        ("hotspots:list, all cycles", reverse("hotspots:list") + "?cycle=all&sort=-score"),
        ("hotspots:detail", reverse("hotspots:detail", args=[ids["hotspot"]])),
        ("hotspots:keyword", reverse("hotspots:keyword") + f"?keyword={ids['keyword'].replace(' ', '+')}"),
        ("hotspots:series", reverse("hotspots:series", args=[ids["series"]])),
        ("hotspots:watchlist", reverse("hotspots:watchlist", args=[ids["watchlist"]])),
        ("hotspots:imports", reverse("hotspots:imports")),
        ("analysis:list", reverse("analysis:list") + "?cycle=2"),
        ("analysis:detail", reverse("analysis:detail", args=[ids["opportunity"]])),
        ("analysis:attributes", reverse("analysis:attributes") + "?cycle=2"),
        ("design:list", reverse("design:list") + "?cycle=2"),
        ("design:detail", reverse("design:detail", args=[ids["concept"]])),
        ("samples:list", reverse("samples:list") + "?cycle=2"),
        ("samples:detail", reverse("samples:detail", args=[ids["sample"]])),
        ("samples:round", reverse("samples:round", args=[ids["round"]])),
        ("samples:panels", reverse("samples:panels")),
        ("production:list", reverse("production:list") + "?cycle=2"),
        ("production:board", reverse("production:board")),
        ("production:payments", reverse("production:payments")),
        ("production:detail", reverse("production:detail", args=[ids["order"]])),
        ("production:factories", reverse("production:factories")),
        ("production:factory", reverse("production:factory", args=[ids["factory"]])),
        ("production:pre_orders", reverse("production:pre_orders")),
        ("promotion:list", reverse("promotion:list") + "?cycle=2"),
        ("promotion:detail", reverse("promotion:detail", args=[ids["campaign"]])),
        ("customers:list", reverse("customers:list")),
        ("customers:list, cycle 2", reverse("customers:list") + "?cycle=2"),
        ("customers:customer", reverse("customers:customer", args=[ids["customer"]])),
        ("customers:orders", reverse("customers:orders")),
        ("customers:orders, cycle 2", reverse("customers:orders") + "?cycle=2"),
        ("customers:order", reverse("customers:order", args=[ids["shop_order"]])),
        ("portraits:list", reverse("portraits:list")),
        ("portraits:run", reverse("portraits:run", args=[ids["run"]])),
        ("portraits:segment", reverse("portraits:segment", args=[ids["segment"]])),
        ("portraits:brief", reverse("portraits:brief", args=[ids["brief"]])),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument("--only", default="", help="page names to time, separated by '|' (default: all)")
    parser.add_argument("--keep", action="store_true", help="leave the database for a look afterwards")
    parser.add_argument("--reuse", default="", metavar="DB", help="time the pages on a database left by --keep, unfilled")
    args = parser.parse_args()
    with bench_database("pages", keep=args.keep, reuse=args.reuse):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.decorators import user_passes_test
        from django.core.cache import cache
        from django.db import connection
        from django.http import HttpResponse
        from django.test import Client, override_settings
        from django.urls import include, path

        @user_passes_test(lambda u: u.is_staff)
        def bare(request):
            return HttpResponse("ok")

        urlpatterns[:] = [path("bare/", bare), path("", include("c2f.urls"))]
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            if args.reuse:
                cursor.execute("SELECT ids FROM bench_ids")
                ids = json.loads(cursor.fetchone()[0])
            else:
                ids = fill(customers=args.customers, orders=args.orders, rng=random.Random(7))
                cursor.execute("CREATE TABLE bench_ids (ids text)")
                cursor.execute("INSERT INTO bench_ids VALUES (%s)", [json.dumps(ids)])
        setup = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute("SELECT (SELECT count(*) FROM customers_order), (SELECT count(*) FROM customers_orderline), "
                           "(SELECT count(*) FROM customers_customer), (SELECT count(*) FROM promotion_click)")
            n_orders, n_lines, n_customers, n_clicks = cursor.fetchone()
        user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
        client = Client()
        client.force_login(user)
        wanted = {name.strip() for name in args.only.split("|") if name.strip()}
        results = []
        with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
            for name, url in [("bare staff view", "/bare/"), *pages(ids)]:
                if wanted and name not in wanted and name != "bare staff view":
                    continue
                cache.clear()  # the first visit counts what the pages keep (core.dashboard.figures) afresh
                t1 = time.perf_counter()
                response = client.get(url)
                cold = (time.perf_counter() - t1) * 1000
                assert response.status_code == 200, f"{name}: {response.status_code}"
                response = client.get(url)
                queries = []

                def count(execute, sql, params, many, context, queries=queries):
                    queries.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    client.get(url)
                timings = []
                for _ in range(args.requests):
                    t1 = time.perf_counter()
                    client.get(url)
                    timings.append((time.perf_counter() - t1) * 1000)
                results.append((name, len(queries), statistics.median(timings), percentile(timings, 0.95), cold))
                print(f"  {name:<28} {len(queries):3d} queries   p50 {results[-1][2]:8.1f} ms   p95 {results[-1][3]:8.1f} ms"
                      f"   first visit {cold:8.1f} ms", flush=True)

        print(f"\ndata: {n_customers:,} customers, {n_orders:,} orders, {n_lines:,} order lines, {n_clicks:,} clicks "
              f"(setup {setup:.0f} s), PostgreSQL {connection.pg_version}, {args.requests} requests a page")
        print(f"{'page':<28} {'queries':>7} {'p50 ms':>9} {'p95 ms':>9}  goal p95 < {GOAL_MS} ms   {'first visit':>11}")
        for name, n_queries, p50, p95, cold in results:
            print(f"{name:<28} {n_queries:7d} {p50:9.1f} {p95:9.1f}  {'ok' if p95 < GOAL_MS else 'SLOW':<19}  {cold:8.1f} ms")
        slow = [name for name, _n, _p50, p95, _cold in results if p95 >= GOAL_MS]
        print(f"{len(results) - len(slow)} of {len(results)} pages under {GOAL_MS} ms" + (f"; slow: {', '.join(slow)}" if slow else ""))


if __name__ == "__main__":
    main()
