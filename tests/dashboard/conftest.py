"""One small full turn of the loop, built with the ORM, plus cycle 2 seeded by its brief."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from analysis.models import Attribute, Opportunity
from core.models import Cycle, TaskRun
from customers.models import Customer, Order, OrderLine, Platform, Product
from design.models import Concept, Variant
from hotspots.models import Hotspot, RelatedQuery, TrendPoint, TrendSeries, TrendSource, WatchKeyword, Watchlist
from portraits.models import Brief, PortraitRun, Segment, SegmentMembership
from production.models import Factory, ProductionEvent, ProductionOrder, ProductionOrderLine
from promotion.models import Campaign, Click, Post, TrackedLink
from samples.models import Buyer, Invitation, Sample, Vote, VoteRound

PASSWORD = "correct horse battery staple"


@dataclass
class Loop:
    cycle: Cycle
    cycle2: Cycle
    watchlist: Watchlist
    keyword: WatchKeyword
    series: TrendSeries
    hotspot: Hotspot
    attribute: Attribute
    opportunity: Opportunity
    concept: Concept
    variant: Variant
    sample: Sample
    buyer: Buyer
    round: VoteRound
    vote: Vote
    factory: Factory
    production_order: ProductionOrder
    campaign: Campaign
    post: Post
    link: TrackedLink
    product: Product
    customer: Customer
    order: Order
    run: PortraitRun
    segment: Segment
    brief: Brief
    watchlist2: Watchlist
    concept2: Concept
    task_run: TaskRun


def add_series(keyword: str, market: str, *, weeks: int = 60) -> TrendSeries:
    series = TrendSeries.objects.create(
        source=TrendSource.TRENDS_EXPORT, keyword=keyword, market=market, granularity="week", is_demo=True
    )
    start = dt.date(2024, 1, 7)
    TrendPoint.objects.bulk_create(
        TrendPoint(series=series, date=start + dt.timedelta(weeks=i), value=float(20 + (i * 7) % 50)) for i in range(weeks)
    )
    return series


def add_hotspot(cycle: Cycle, keyword: str, market: str, score: float) -> Hotspot:
    return Hotspot.objects.create(
        cycle=cycle, series=add_series(keyword, market), keyword=keyword, category="blanket", market=market,
        score=score, level=55.0, growth=0.4, slope=0.12, components={"level": 0.5, "growth": 0.3}, is_demo=True,
    )


@pytest.fixture
def loop(db) -> Loop:
    now = timezone.now()
    cycle = Cycle.objects.create(number=1, name="Cycle 1", is_demo=True, status=Cycle.Status.CLOSED)
    watchlist = Watchlist.objects.create(cycle=cycle, name="Seed blankets", markets=["US", "GB"], is_demo=True)
    keyword = WatchKeyword.objects.create(watchlist=watchlist, keyword="mermaid blanket", category="blanket")
    hotspot = add_hotspot(cycle, "mermaid blanket", "US", 0.91)
    series = hotspot.series
    RelatedQuery.objects.create(
        source=TrendSource.TRENDS_EXPORT, keyword="mermaid blanket", market="US", kind="rising",
        query="mermaid tail blanket for adults", value=250, is_breakout=True, is_demo=True,
    )
    attribute = Attribute.objects.create(kind=Attribute.Kind.STYLE, name="mermaid")
    opportunity = Opportunity.objects.create(
        cycle=cycle, category="blanket", market="US", key="blanket|US|mermaid", score=0.88, rank=1, is_demo=True
    )
    opportunity.attributes.add(attribute)
    opportunity.hotspots.add(hotspot)
    concept = Concept.objects.create(
        cycle=cycle, name="Mermaid tail sherpa blanket", category="blanket", opportunity=opportunity,
        target_markets=["US"], target_price=Decimal("49.00"), unit_cost=Decimal("14.50"),
        status=Concept.Status.CONFIRMED, is_demo=True,
    )
    concept.attributes.add(attribute)
    variant = Variant.objects.create(concept=concept, sku="MT-SH-TEAL", colour="teal", size="adult")
    sample = Sample.objects.create(concept=concept, version=1, spec="Sherpa lined", status=Sample.Status.CONFIRMED, is_demo=True)
    buyer = Buyer.objects.create(name="Ada Buyer", email="ada@buyers.test", company="Cosy Home", country="US", is_demo=True)
    vote_round = VoteRound.objects.create(
        cycle=cycle, sample=sample, opens_at=now - dt.timedelta(days=10), closes_at=now - dt.timedelta(days=3),
        status=VoteRound.Status.CLOSED, decision=VoteRound.Decision.CONFIRM, decided_by="merch", is_demo=True,
    )
    Invitation.objects.create(round=vote_round, buyer=buyer, sent_at=now - dt.timedelta(days=10))
    vote = Vote.objects.create(
        round=vote_round, buyer=buyer, score=5, would_order_qty=300, preferred_variant=variant,
        acceptable_price=Decimal("45.00"), market="US", comment="Lovely colour", is_demo=True,
    )
    factory = Factory.objects.create(name="Ningbo Soft Textiles", categories=["blanket"], is_demo=True)
    production_order = ProductionOrder.objects.create(
        cycle=cycle, factory=factory, reference="PO-0001", sample=sample, sizing_round=vote_round,
        sizing={"votes": 1, "would_order": 300}, status=ProductionOrder.Status.RECEIVED,
        unit_price=Decimal("12.80"), is_demo=True,
    )
    ProductionOrderLine.objects.create(order=production_order, variant=variant, market="US", quantity=300)
    ProductionEvent.objects.create(order=production_order, from_status="", to_status="draft", actor="merch", note="created")
    ProductionEvent.objects.create(order=production_order, from_status="shipped", to_status="received", actor="merch")
    campaign = Campaign.objects.create(
        cycle=cycle, concept=concept, production_order=production_order, name="Mermaid launch US",
        market="US", starts_on=dt.date(2024, 6, 1), status=Campaign.Status.ACTIVE, is_demo=True,
    )
    post = Post.objects.create(
        campaign=campaign, channel="instagram", text="Meet the mermaid blanket", scheduled_at=now, status="sent", is_demo=True,
    )
    link = TrackedLink.objects.create(
        campaign=campaign, post=post, code="mermaid-ig", destination_url="https://shop.c2f.localhost/p/mermaid",
        utm_source="instagram", utm_campaign="mermaid-launch",
    )
    Click.objects.bulk_create(Click(link=link, campaign=campaign, channel="instagram", at=now, country="US", is_demo=True)
                              for _ in range(3))
    product = Product.objects.create(sku="MT-SH-TEAL", title="Mermaid tail sherpa blanket, teal", category="blanket",
                                     concept=concept, variant=variant, is_demo=True)
    customer = Customer.objects.create(platform=Platform.DEMO, external_id="C-1001", email="eve@customers.test",
                                       country="US", first_seen=now, is_demo=True)
    order = Order.objects.create(
        cycle=cycle, customer=customer, platform=Platform.DEMO, external_id="O-5001", placed_at=now, market="US",
        total=Decimal("98.00"), gross=Decimal("98.00"), net=Decimal("98.00"), fx_rate=1, net_base=Decimal("98.00"),
        gross_base=Decimal("98.00"), item_count=2, tracked_link=link, is_demo=True,
    )
    OrderLine.objects.create(order=order, product=product, quantity=2, unit_price=Decimal("49.00"))
    run = PortraitRun.objects.create(cycle=cycle, status=PortraitRun.Status.DONE, n_customers=1, n_segments=1, is_demo=True)
    segment = Segment.objects.create(run=run, label=0, name="Cosy gift buyers", size=1,
                                     profile={"recency_days": 12.0, "monetary": 98.0, "top_attributes": ["mermaid"]})
    SegmentMembership.objects.create(run=run, segment=segment, customer=customer,
                                     recency_days=12, tenure_days=12, frequency=1, monetary=98.0, avg_order_value=98.0, r_score=3, f_score=1, m_score=3, rfm_group="About to sleep")
    cycle2 = Cycle.objects.create(number=2, name="Cycle 2", previous=cycle, is_demo=True)
    brief = Brief.objects.create(
        run=run, segment=segment, for_cycle=cycle2, category="throw", attributes=["mermaid", "sherpa"],
        price_low=Decimal("35"), price_high=Decimal("55"), markets=["US"], keywords=["mermaid throw"],
        text="Gift-ready mermaid throws",
    )
    watchlist2 = Watchlist.objects.create(cycle=cycle2, name="From cosy gift buyers", markets=["US"],
                                          seeded_by_brief=brief, is_demo=True)
    WatchKeyword.objects.create(watchlist=watchlist2, keyword="mermaid throw", category="throw", origin="brief")
    concept2 = Concept.objects.create(
        cycle=cycle2, name="Mermaid sherpa throw", category="throw", brief=brief, target_segment=segment,
        target_markets=["US"], target_price=Decimal("45.00"), unit_cost=Decimal("12.00"), is_demo=True,
    )
    task_run = TaskRun.objects.create(kind="hotspots.pull", cycle=cycle2, status=TaskRun.Status.RUNNING, done=3, total=10)
    return Loop(
        cycle, cycle2, watchlist, keyword, series, hotspot, attribute, opportunity, concept, variant, sample, buyer,
        vote_round, vote, factory, production_order, campaign, post, link, product, customer, order, run, segment,
        brief, watchlist2, concept2, task_run,
    )


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user(username="merch", password=PASSWORD, is_staff=True)


@pytest.fixture
def plain_user(db):
    return get_user_model().objects.create_user(username="shopper", password=PASSWORD)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def grow(loop: Loop, n: int) -> None:
    """Add ``n`` more rows to every list of cycle 1, each with its own children."""
    now = timezone.now()
    cycle = loop.cycle
    for i in range(n):
        hotspot = add_hotspot(cycle, f"sherpa blanket {i}", "GB", 0.5 - i / 100)
        opportunity = Opportunity.objects.create(
            cycle=cycle, category="blanket", market="GB", key=f"blanket|GB|sherpa{i}", score=0.5, rank=i + 2, is_demo=True
        )
        opportunity.attributes.add(loop.attribute)
        opportunity.hotspots.add(hotspot)
        concept = Concept.objects.create(
            cycle=cycle, name=f"Sherpa blanket {i}", category="blanket", opportunity=opportunity,
            target_segment=loop.segment, target_markets=["GB"], target_price=Decimal("40"), unit_cost=Decimal("10"),
        )
        Variant.objects.create(concept=concept, sku=f"SH-{i}", colour="cream")
        sample = Sample.objects.create(concept=concept, version=1)
        buyer = Buyer.objects.create(name=f"Buyer {i}", email=f"buyer{i}@buyers.test", company=f"Shop {i}")
        vote_round = VoteRound.objects.create(
            cycle=cycle, sample=sample, opens_at=now - dt.timedelta(days=2), closes_at=now + dt.timedelta(days=5)
        )
        Invitation.objects.create(round=vote_round, buyer=buyer)
        Vote.objects.create(round=vote_round, buyer=buyer, score=3, would_order_qty=50)
        order = ProductionOrder.objects.create(
            cycle=cycle, factory=loop.factory, reference=f"PO-1{i:03d}", sample=sample, sizing_round=vote_round,
            unit_price=Decimal("9.50"),
        )
        ProductionOrderLine.objects.create(order=order, variant=concept.variants.get(), market="GB", quantity=100 + i)
        campaign = Campaign.objects.create(
            cycle=cycle, concept=concept, production_order=order, name=f"Sherpa campaign {i}", market="GB",
            starts_on=dt.date(2024, 7, 1),
        )
        post = Post.objects.create(campaign=campaign, channel="pinterest", text="Sherpa", scheduled_at=now)
        link = TrackedLink.objects.create(
            campaign=campaign, post=post, code=f"sherpa-{i}", destination_url="https://shop.c2f.localhost/p/sherpa",
            utm_source="pinterest", utm_campaign=f"sherpa-{i}",
        )
        Click.objects.create(link=link, campaign=campaign, channel="pinterest", at=now, country="GB")
        product = Product.objects.create(sku=f"SH-{i}", title=f"Sherpa {i}", category="blanket", concept=concept)
        customer = Customer.objects.create(platform=Platform.DEMO, external_id=f"C-2{i:03d}", country="GB")
        shop_order = Order.objects.create(
            cycle=cycle, customer=customer, platform=Platform.DEMO, external_id=f"O-6{i:03d}", placed_at=now,
            market="GB", currency="GBP", total=Decimal("40"), gross=Decimal("40"), net=Decimal("40"), item_count=1,
            tracked_link=link,
        )
        OrderLine.objects.create(order=shop_order, product=product, quantity=1, unit_price=Decimal("40"))
        run = PortraitRun.objects.create(cycle=cycle, status=PortraitRun.Status.DONE, n_customers=1, n_segments=1)
        segment = Segment.objects.create(run=run, label=0, name=f"Segment {i}", size=1, profile={})
        SegmentMembership.objects.create(run=run, segment=segment, customer=customer, recency_days=3, tenure_days=3, frequency=1, monetary=40.0, avg_order_value=40.0, r_score=3, f_score=1, m_score=3, rfm_group="About to sleep")
        Brief.objects.create(run=run, segment=segment, category="throw", price_low=Decimal("20"), price_high=Decimal("30"))
