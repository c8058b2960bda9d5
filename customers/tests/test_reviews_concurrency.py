"""The same review export imported by several uploads at once on PostgreSQL: stored once, never doubled."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection, connections

from customers.models import Product, Review, ReviewImport, ReviewMention
from customers.services import product_map, reviews_import_data

from .factories import ProductFactory, VariantFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).parent / "data"
THREADS = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts and row locks are only meaningful on PostgreSQL")


def _together(jobs):
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait(timeout=30)
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_one_file_imported_six_times_at_once_is_stored_once():
    data = (DATA / "amazon_reviews_sample_us.tsv").read_bytes()
    reports = _together([lambda: reviews_import_data(fmt="amazon", file="us.tsv", data=data)] * THREADS)
    stored = [r for r in reports if r.ok]
    refused = [r for r in reports if not r.ok]
    assert stored and sum(r.new for r in stored) == 49
    assert all(r.new + r.unchanged == 49 for r in stored)
    assert all("at the same moment" in r.problems[0]["reason"] for r in refused)
    assert Review.objects.count() == 49 and Product.objects.count() == 49
    assert Review.objects.values("external_id").distinct().count() == 49
    assert ReviewImport.objects.count() == THREADS
    # Mentions were stored once, with their review.
    assert ReviewMention.objects.values("review_id", "kind", "term").distinct().count() == ReviewMention.objects.count()


def test_two_products_cannot_take_the_same_variant_at_once():
    variant = VariantFactory(sku="HT-CC-9")
    products = [ProductFactory(sku=f"SHOP-{i}") for i in range(4)]

    def map_one(product):
        def job():
            try:
                product_map(product=product, variant=variant, hand_over=False)
                return "mapped"
            except Exception as exc:  # the refusal, or the database's one-to-one constraint
                return type(exc).__name__
        return job

    outcomes = _together([map_one(p) for p in products])
    assert outcomes.count("mapped") == 1
    assert Product.objects.filter(variant=variant).count() == 1
