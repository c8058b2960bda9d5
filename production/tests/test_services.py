import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from production import services
from production.models import Factory, FactoryApiKey, ProductionEvent, ProductionOrder
from production.selectors import factory_api_key_find

from .factories import (
    CycleFactory,
    FactoryFactory,
    ProductionOrderFactory,
    SampleFactory,
    VariantFactory,
    VoteRoundFactory,
    order_with_lines,
)

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status


# --- Factories and keys ---------------------------------------------------


def test_factory_create_stores_only_the_hash_of_its_key():
    factory, raw_key = services.factory_create(name="Shaoxing Loom", min_batch=250, categories=["throw"])
    stored = FactoryApiKey.objects.get(factory=factory)
    prefix = raw_key.split("_")[1]
    assert raw_key.startswith(f"c2f_{prefix}_") and len(prefix) == 8
    assert stored.prefix == prefix
    assert stored.hashed_key == hashlib.sha256(raw_key.encode()).hexdigest()
    assert raw_key not in {stored.hashed_key, stored.prefix, stored.name}
    assert (factory.min_batch, factory.categories) == (250, ["throw"])
    assert factory_api_key_find(raw_key=raw_key) == stored


def test_factory_create_refuses_a_duplicate_name_and_stores_nothing():
    services.factory_create(name="Shaoxing Loom")
    with pytest.raises(ValidationError) as raised:
        services.factory_create(name="  shaoxing loom ")
    assert "already exists" in raised.value.message_dict["name"][0]
    assert Factory.objects.count() == 1 and FactoryApiKey.objects.count() == 1


def test_factory_create_names_bad_fields():
    with pytest.raises(ValidationError) as raised:
        services.factory_create(name="", min_batch=-1)
    assert set(raised.value.message_dict) == {"name", "min_batch"}
    assert not Factory.objects.exists()


def test_wrong_secret_with_a_real_prefix_finds_nothing():
    factory, raw_key = services.factory_create(name="Mill")
    forged = raw_key[: len("c2f_") + 8] + "_" + "x" * 43
    assert factory_api_key_find(raw_key=forged) is None
    assert factory_api_key_find(raw_key="garbage") is None


def test_revoke_sets_revoked_at_once():
    factory, raw_key = services.factory_create(name="Mill")
    key = factory_api_key_find(raw_key=raw_key)
    services.factory_api_key_revoke(key_id=key.pk)
    first = FactoryApiKey.objects.get(pk=key.pk).revoked_at
    services.factory_api_key_revoke(key_id=key.pk)
    assert first is not None and FactoryApiKey.objects.get(pk=key.pk).revoked_at == first


def test_mark_used_writes_at_most_once_per_touch_interval():
    factory, raw_key = services.factory_create(name="Mill")
    key = factory_api_key_find(raw_key=raw_key)
    t0 = timezone.now()
    almost, past = services.KEY_TOUCH_INTERVAL - datetime.timedelta(seconds=1), services.KEY_TOUCH_INTERVAL
    assert services.factory_api_key_mark_used(api_key=key, now=t0)
    assert not services.factory_api_key_mark_used(api_key=key, now=t0 + almost)
    assert FactoryApiKey.objects.get(pk=key.pk).last_used_at == t0
    assert services.factory_api_key_mark_used(api_key=key, now=t0 + past)
    assert FactoryApiKey.objects.get(pk=key.pk).last_used_at == t0 + past


# --- Planning and creating ------------------------------------------------


def _sample_with_variants(n=2):
    sample = SampleFactory()
    variants = [VariantFactory(concept=sample.concept) for _ in range(n)]
    return sample, variants


def test_plan_then_create_an_order_from_votes():
    sample, (v1, v2) = _sample_with_variants()
    round_ = VoteRoundFactory(sample=sample)
    factory = FactoryFactory(min_batch=300, lead_time_days=30)
    plan = services.production_order_plan(
        sample=sample,
        sizing_round=round_,
        factory=factory,
        votes=[
            {"variant_id": v1.pk, "market": "US", "would_order_qty": 120},
            {"variant_id": v2.pk, "market": "GB", "would_order_qty": 60},
        ],
    )
    assert plan["lines"] == [
        {"variant_id": v1.pk, "market": "US", "quantity": 200},
        {"variant_id": v2.pk, "market": "GB", "quantity": 100},
    ]
    assert plan["sizing"]["total_would_order"] == 180 and plan["sizing"]["min_batch"] == 300
    assert plan["sizing"]["sizing_round_id"] == round_.pk

    order = services.production_order_create(
        cycle=sample.concept.cycle,
        factory=factory,
        sample=sample,
        sizing_round=round_,
        lines=plan["lines"],
        unit_price="9.50",
        sizing=plan["sizing"],
        actor="merchandiser",
    )
    order.refresh_from_db()
    assert order.status == Status.DRAFT
    assert order.reference == f"PO-{sample.concept.cycle.number}-001"
    assert order.quantity == 300
    assert order.unit_price == Decimal("9.50")
    assert order.due_date == timezone.localdate() + datetime.timedelta(days=30)
    assert order.sizing["rule"] == plan["sizing"]["rule"]
    event = ProductionEvent.objects.get(order=order)
    assert (event.from_status, event.to_status, event.actor) == ("", Status.DRAFT, "merchandiser")


def test_plan_without_placed_votes_splits_evenly_over_concept_variants_and_markets():
    sample, (v1, v2) = _sample_with_variants()
    sample.concept.target_markets = ["US", "DE"]
    sample.concept.save()
    plan = services.production_order_plan(
        sample=sample, sizing_round=None, factory=FactoryFactory(min_batch=100), votes=[]
    )
    assert sum(line["quantity"] for line in plan["lines"]) == 100
    assert {(line["variant_id"], line["market"]) for line in plan["lines"]} == {
        (v1.pk, "US"), (v1.pk, "DE"), (v2.pk, "US"), (v2.pk, "DE")
    }


def test_plan_refuses_variants_of_another_concept():
    sample, _ = _sample_with_variants()
    stranger = VariantFactory()
    with pytest.raises(ValidationError, match="not variants of concept"):
        services.production_order_plan(
            sample=sample,
            sizing_round=None,
            factory=FactoryFactory(),
            votes=[{"variant_id": stranger.pk, "market": "US", "would_order_qty": 5}],
        )


def test_references_count_up_per_cycle():
    sample, (v1, _) = _sample_with_variants()
    factory = FactoryFactory()
    refs = [
        services.production_order_create(
            cycle=sample.concept.cycle, factory=factory, sample=sample,
            lines=[{"variant_id": v1.pk, "market": "US", "quantity": 10}],
            unit_price=1, sizing={}, actor="m", another_batch=True,
        ).reference
        for _ in range(3)
    ]
    other_cycle = CycleFactory()
    other = services.production_order_create(
        cycle=other_cycle, factory=factory, sample=sample,
        lines=[{"variant_id": v1.pk, "market": "US", "quantity": 10}],
        unit_price=1, sizing={}, actor="m", another_batch=True,
    )
    n = sample.concept.cycle.number
    assert refs == [f"PO-{n}-001", f"PO-{n}-002", f"PO-{n}-003"]
    assert other.reference == f"PO-{other_cycle.number}-001"


@pytest.mark.parametrize(
    "lines, unit_price, field",
    [
        ([{"variant_id": "LATER", "market": "US", "quantity": 10}], "1.00", "lines[0].variant_id"),
        ([{"variant_id": "LATER", "market": "", "quantity": 10}], "1.00", "lines[0].market"),
        ([{"variant_id": "LATER", "market": "US", "quantity": 0}], "1.00", "lines[0].quantity"),
        ([{"variant_id": "LATER", "market": "US", "quantity": "10"}], "1.00", "lines[0].quantity"),
        ([{"variant_id": "LATER", "market": "US", "quantity": 10}] * 2, "1.00", "lines[1]"),
        ([], "1.00", "lines"),
        ([{"variant_id": "LATER", "market": "US", "quantity": 10}], "-1", "unit_price"),
        ([{"variant_id": "LATER", "market": "US", "quantity": 10}], "abc", "unit_price"),
        ([{"variant_id": "LATER", "market": "US", "quantity": 10}], "1.005", "unit_price"),
    ],
)
def test_bad_order_input_names_the_field_and_stores_nothing(lines, unit_price, field):
    sample, (v1, _) = _sample_with_variants()
    lines = [dict(line, variant_id=v1.pk) if line["variant_id"] == "LATER" else line for line in lines]
    if field == "lines[0].variant_id":
        lines = [dict(lines[0], variant_id=v1.pk + 999)]
    with pytest.raises(ValidationError) as raised:
        services.production_order_create(
            cycle=sample.concept.cycle, factory=FactoryFactory(), sample=sample,
            lines=lines, unit_price=unit_price, sizing={}, actor="m",
        )
    assert field in raised.value.message_dict
    assert not ProductionOrder.objects.exists() and not ProductionEvent.objects.exists()


def test_round_of_another_sample_is_refused():
    sample, (v1, _) = _sample_with_variants()
    with pytest.raises(ValidationError) as raised:
        services.production_order_create(
            cycle=sample.concept.cycle, factory=FactoryFactory(), sample=sample,
            sizing_round=VoteRoundFactory(),
            lines=[{"variant_id": v1.pk, "market": "US", "quantity": 1}],
            unit_price=1, sizing={}, actor="m",
        )
    assert "sizing_round" in raised.value.message_dict
    assert not ProductionOrder.objects.exists()


# --- Transitions ----------------------------------------------------------


def test_the_happy_path_writes_one_event_per_move():
    order = order_with_lines()
    path = [Status.RELEASED, Status.ACCEPTED, Status.IN_PRODUCTION, Status.QC_FAILED,
            Status.IN_PRODUCTION, Status.QC_PASSED, Status.SHIPPED, Status.RECEIVED]
    for to_status in path:
        services.production_order_transition(order_id=order.pk, to_status=to_status, actor="m", note=to_status)
    order.refresh_from_db()
    assert order.status == Status.RECEIVED
    moves = list(ProductionEvent.objects.filter(order=order).values_list("from_status", "to_status", "note"))
    assert moves == list(zip([Status.DRAFT, *path[:-1]], path, path, strict=True))


def test_illegal_move_is_refused_with_a_reason_and_changes_nothing():
    order = ProductionOrderFactory()
    with pytest.raises(services.TransitionNotAllowed) as raised:
        services.production_order_accept(order_id=order.pk, actor="factory")
    assert str(raised.value) == (
        f"Order {order.reference} is draft and cannot become accepted; "
        "from draft it can move to released or cancelled."
    )
    order.refresh_from_db()
    assert order.status == Status.DRAFT and not order.events.exists()


def test_unknown_status_is_refused():
    order = ProductionOrderFactory()
    with pytest.raises(services.TransitionNotAllowed, match="not an order status"):
        services.production_order_transition(order_id=order.pk, to_status="lost", actor="m")


def test_terminal_states_go_nowhere():
    order = ProductionOrderFactory(status=Status.DECLINED)
    with pytest.raises(services.TransitionNotAllowed, match="nothing further"):
        services.production_order_cancel(order_id=order.pk, actor="m", reason="x")


def test_decline_needs_a_reason_which_becomes_the_event_note():
    order = ProductionOrderFactory(released=True)
    with pytest.raises(ValidationError):
        services.production_order_decline(order_id=order.pk, actor="factory", reason="  ")
    services.production_order_decline(order_id=order.pk, actor="factory", reason=" no capacity in May ")
    order.refresh_from_db()
    assert order.status == Status.DECLINED
    assert order.events.get().note == "no capacity in May"


def test_release_then_cancel_is_allowed_but_not_after_production_starts():
    order = ProductionOrderFactory()
    services.production_order_release(order_id=order.pk, actor="m")
    services.production_order_cancel(order_id=order.pk, actor="m", reason="concept dropped")
    assert ProductionOrder.objects.get(pk=order.pk).status == Status.CANCELLED
    started = ProductionOrderFactory(status=Status.IN_PRODUCTION)
    with pytest.raises(services.TransitionNotAllowed):
        services.production_order_cancel(order_id=started.pk, actor="m", reason="x")
