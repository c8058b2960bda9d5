from collections import Counter

import pytest

from analysis.models import Attribute
from core.demo_catalog import DEMO_CATALOGUE, DEMO_MARKETS
from customers.models import Customer, Order, OrderLine, Platform, Product, Review
from customers.services import (
    demo_catalogue_ensure,
    demo_orders_generate,
    product_upsert,
    products_for_concept,
)

from .factories import ConceptFactory, CycleFactory, TrackedLinkFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "customers": Customer.objects.count(),
        "orders": Order.objects.count(),
        "lines": OrderLine.objects.count(),
        "reviews": Review.objects.count(),
        "orders_by_id": list(Order.objects.order_by("external_id").values_list("external_id", "total", "market")),
        "lines_by_order": list(
            OrderLine.objects.order_by("order__external_id", "product__sku").values_list(
                "order__external_id", "product__sku", "quantity", "unit_price"
            )
        ),
    }


def test_product_upsert_creates_then_updates_with_lexicon_attributes():
    product = product_upsert(sku="X-1", title="Linen throw", category="throw", attribute_names=["Linen", "cream"])
    assert set(product.attributes.values_list("name", flat=True)) == {"linen", "cream"}
    assert Attribute.objects.get(name="linen").kind == "material"

    product_upsert(sku="X-1", title="Linen throw, sage", category="throw", attribute_names=["linen", "sage green"])
    product.refresh_from_db()
    assert product.title == "Linen throw, sage"
    assert set(product.attributes.values_list("name", flat=True)) == {"linen", "sage green"}
    assert Product.objects.count() == 1


def test_product_upsert_refuses_unknown_attribute_and_stores_nothing():
    with pytest.raises(ValueError, match="'unobtainium' .*product X-2.* not in the attribute lexicon"):
        product_upsert(sku="X-2", title="?", category="throw", attribute_names=["linen", "unobtainium"])
    assert not Product.objects.filter(sku="X-2").exists()
    assert not Attribute.objects.filter(name="linen").exists()


def test_demo_catalogue_is_idempotent():
    first = demo_catalogue_ensure()
    second = demo_catalogue_ensure()
    assert [p.pk for p in first] == [p.pk for p in second]
    assert Product.objects.filter(is_demo=True).count() == len(DEMO_CATALOGUE)
    chunky = Product.objects.get(sku="HT-BL-002")
    assert set(chunky.attributes.values_list("name", flat=True)) == {"chunky knit", "sage green"}


def test_products_for_concept_one_per_variant_with_lexicon_colour_and_material():
    concept = ConceptFactory(name="Mermaid tail blanket", is_demo=True)
    concept.attributes.set([Attribute.objects.create(kind="style", name="mermaid")])
    VariantFactory(concept=concept, sku="MT-1", colour="Sage green", material="sherpa")
    VariantFactory(concept=concept, sku="MT-2", colour="Sunset orange", material="sherpa")

    products = products_for_concept(concept=concept)

    assert [p.sku for p in products] == ["MT-1", "MT-2"]
    first, second = products
    assert first.concept == concept and first.variant.sku == "MT-1" and first.is_demo
    assert first.title.startswith("Mermaid tail blanket")
    assert set(first.attributes.values_list("name", flat=True)) == {"mermaid", "sage green", "sherpa"}
    assert set(second.attributes.values_list("name", flat=True)) == {"mermaid", "sherpa"}


def test_demo_orders_are_demo_flagged_and_spread_over_markets():
    cycle = CycleFactory(number=1)
    counts = demo_orders_generate(cycle=cycle, n_customers=120, seed=7)

    assert counts["customers"] == Customer.objects.count() == 120
    assert counts["orders"] == Order.objects.filter(cycle=cycle).count() > 120
    assert counts["lines"] == OrderLine.objects.count()
    assert counts["reviews"] == Review.objects.count() > 0
    assert not Order.objects.exclude(platform=Platform.DEMO, is_demo=True).exists()
    assert not Customer.objects.exclude(is_demo=True).exists()
    assert set(Order.objects.values_list("market", flat=True)) == set(DEMO_MARKETS)
    newest = Order.objects.order_by("-placed_at").first().placed_at
    oldest = Order.objects.order_by("placed_at").first().placed_at
    assert (newest - oldest).days <= 182
    for order in Order.objects.prefetch_related("lines")[:20]:
        assert order.total == sum(line.unit_price * line.quantity for line in order.lines.all())


def test_demo_orders_are_deterministic_and_rerun_changes_nothing():
    cycle = CycleFactory(number=1)
    counts = demo_orders_generate(cycle=cycle, n_customers=80, seed=11)
    snapshot = _snapshot()

    again = demo_orders_generate(cycle=cycle, n_customers=80, seed=11)
    assert again["customers"] == again["orders"] == again["lines"] == again["reviews"] == 0
    assert again["already_present"] == counts["orders"]
    assert _snapshot() == snapshot

    # A fresh database gives the very same orders.
    Review.objects.all().delete()
    Order.objects.all().delete()
    Customer.objects.all().delete()
    assert demo_orders_generate(cycle=cycle, n_customers=80, seed=11) == counts
    assert _snapshot() == snapshot


def test_demo_orders_differ_by_seed_and_by_cycle():
    one = CycleFactory(number=1)
    two = CycleFactory(number=2)
    demo_orders_generate(cycle=one, n_customers=30, seed=1)
    demo_orders_generate(cycle=two, n_customers=30, seed=2)
    assert Customer.objects.count() == 60
    totals = {c.number: list(Order.objects.filter(cycle=c).order_by("external_id").values_list("total", flat=True))
              for c in (one, two)}
    assert totals[1] != totals[2]


def test_demo_orders_sell_the_concept_and_attribute_orders_to_its_links():
    concept = ConceptFactory(is_demo=True, target_markets=["US", "GB"])
    concept.attributes.set([Attribute.objects.create(kind="material", name="sherpa")])
    VariantFactory(concept=concept, sku="CON-1", colour="cream", material="sherpa")
    us_link = TrackedLinkFactory(campaign__concept=concept, campaign__market="US")
    gb_link = TrackedLinkFactory(campaign__concept=concept, campaign__market="GB")

    counts = demo_orders_generate(
        cycle=concept.cycle, concept=concept, tracked_links=[us_link, gb_link], n_customers=200, seed=3
    )

    assert OrderLine.objects.filter(product__sku="CON-1").exists()
    attributed = Order.objects.filter(tracked_link__isnull=False)
    assert counts["attributed"] == attributed.count() > 0
    by_link = Counter(attributed.values_list("tracked_link__campaign__market", "market"))
    assert all(link_market == order_market for (link_market, order_market) in by_link)


def test_demo_orders_refuse_empty_population():
    with pytest.raises(ValueError, match="n_customers"):
        demo_orders_generate(cycle=CycleFactory(), n_customers=0, seed=1)
