"""A whole portrait run, through the database, recovers a planted population (ARI >= 0.9) and names its segments apart."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from analysis.models import Attribute
from customers.models import Customer, Order, OrderLine, Platform, Product
from portraits.models import PortraitRun, SegmentMembership
from portraits.services import portrait_run_build

from .population import AS_OF, PLANTED, planted_population

pytestmark = pytest.mark.django_db


def _store(population) -> None:
    """The population's customers, products, orders and lines as database rows (ids kept)."""
    attributes = population.product_attributes
    taste = attributes[attributes["kind"] != "category"]
    Attribute.objects.bulk_create([Attribute(kind=k, name=v) for k, v in taste[["kind", "value"]].drop_duplicates().itertuples(index=False)])
    ids = {(a.kind, a.name): a.pk for a in Attribute.objects.all()}
    categories = attributes[attributes["kind"] == "category"].set_index("product_id")["value"]
    Product.objects.bulk_create([Product(id=int(p), sku=f"P{p}", title=f"P{p}", category=c) for p, c in categories.items()])
    Product.attributes.through.objects.bulk_create([
        Product.attributes.through(product_id=int(p), attribute_id=ids[(k, v)])
        for p, k, v in taste.drop_duplicates().itertuples(index=False)
    ])
    orders = population.orders
    Customer.objects.bulk_create([
        Customer(id=int(c), platform=Platform.GENERIC, external_id=f"c{c}") for c in np.unique(orders["customer_id"])
    ])
    Order.objects.bulk_create([
        Order(id=int(o), customer_id=int(c), platform=Platform.GENERIC, external_id=f"o{o}", placed_at=t.to_pydatetime(warn=False),
              market=str(m), currency="EUR", total=round(float(a), 2), gross=round(float(a), 2), net=round(float(a), 2),
              fx_rate=1, gross_base=round(float(a), 2), net_base=round(float(a), 2), refunded_base=0)
        for o, c, t, m, a in orders[["order_id", "customer_id", "placed_at", "market", "amount"]].itertuples(index=False)
    ], batch_size=2000)
    lines = population.lines
    OrderLine.objects.bulk_create([
        OrderLine(order_id=int(o), product_id=int(p), quantity=int(q), unit_price=round(float(a) / int(q), 2),
                  amount=round(float(a), 2), amount_base=round(float(a), 2))
        for o, p, q, a in lines[["order_id", "product_id", "quantity", "amount"]].itertuples(index=False)
    ], batch_size=2000)


def test_a_run_through_the_database_recovers_the_planted_segments():
    population = planted_population(1_500, seed=11, crossover_share=0.08)
    _store(population)
    run = portrait_run_build(as_of=AS_OF.to_pydatetime())
    assert run.status == PortraitRun.Status.DONE, run.error
    labels = dict(SegmentMembership.objects.filter(run=run).values_list("customer_id", "segment__label"))
    truth = population.truth
    assert set(labels) == set(truth.index)
    assert run.n_segments == len(PLANTED)
    assert adjusted_rand_score(truth.to_numpy(), [labels[c] for c in truth.index]) >= 0.9
    names = list(run.segments.values_list("name", flat=True))
    assert len(set(names)) == len(names)
