"""The rules an order meets whoever creates it (page, loop, shell): asked of the services directly."""

import pytest
from django.core.exceptions import ValidationError

from design.models import ComplianceItem
from production import services
from production.models import ProductionEvent, ProductionOrder, ProductionOrderLine
from samples.models import VoteRound

from .factories import FactoryFactory, SampleFactory, VariantFactory, VoteRoundFactory

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status


@pytest.fixture
def planned():
    """A confirmed sample of a two-variant concept, a factory, and the plan sized from two votes."""
    sample = SampleFactory(concept__target_markets=["US", "GB"])
    v1, v2 = VariantFactory(concept=sample.concept), VariantFactory(concept=sample.concept)
    vote_round = VoteRoundFactory(sample=sample, decision=VoteRound.Decision.CONFIRM)
    factory = FactoryFactory(min_batch=300)
    plan = services.production_order_plan(
        sample=sample, sizing_round=vote_round, factory=factory,
        votes=[
            {"variant_id": v1.pk, "market": "US", "would_order_qty": 120},
            {"variant_id": v2.pk, "market": "GB", "would_order_qty": 60},
        ],
    )
    return {"sample": sample, "round": vote_round, "factory": factory, "plan": plan, "variants": (v1, v2)}


def create_from_plan(planned, **overrides):
    arguments = {
        "plan": planned["plan"], "cycle": planned["round"].cycle, "factory": planned["factory"],
        "sample": planned["sample"], "sizing_round": planned["round"], "unit_price": "9.50", "actor": "merch",
    }
    return services.production_order_create_from_plan(**(arguments | overrides))


def create_directly(planned, **overrides):
    v1, _ = planned["variants"]
    arguments = {
        "cycle": planned["round"].cycle, "factory": planned["factory"], "sample": planned["sample"],
        "lines": [{"variant_id": v1.pk, "market": "US", "quantity": 50}], "unit_price": "9.50", "sizing": {},
        "actor": "merch",
    }
    return services.production_order_create(**(arguments | overrides))


def nothing_stored():
    return not ProductionOrder.objects.exists() and not ProductionEvent.objects.exists()


# --- The compliance checklist -----------------------------------------------------


@pytest.mark.parametrize("create", [create_from_plan, create_directly], ids=["from plan", "directly"])
def test_an_open_compliance_checklist_refuses_the_order_naming_the_missing_items(planned, create):
    concept = planned["sample"].concept
    ComplianceItem.objects.create(concept=concept, market="US", title="16 CFR 1610 flammability")
    ComplianceItem.objects.create(concept=concept, market="DE", title="REACH")
    ComplianceItem.objects.create(concept=concept, market="US", title="Carton marks", required=False)
    with pytest.raises(ValidationError) as raised:
        create(planned)
    assert raised.value.code == "not_ready"
    assert raised.value.messages == [f"{concept} is not ready for production: DE: REACH; US: 16 CFR 1610 flammability"]
    assert nothing_stored()


def test_a_ticked_checklist_lets_the_order_through(planned):
    ComplianceItem.objects.create(
        concept=planned["sample"].concept, market="US", title="16 CFR 1610 flammability", checked=True,
        evidence_note="Lab report 2291",
    )
    assert create_from_plan(planned).status == Status.DRAFT


def test_the_gate_can_be_asked_beforehand_and_writes_nothing(planned):
    services.production_order_gate(sample=planned["sample"])  # nothing in the way
    ComplianceItem.objects.create(concept=planned["sample"].concept, market="GB", title="UKCA label")
    with pytest.raises(ValidationError, match="not ready for production: GB: UKCA label"):
        services.production_order_gate(sample=planned["sample"], another_batch=True)
    assert nothing_stored()


# --- One live order per sample ------------------------------------------------------


@pytest.mark.parametrize("create", [create_from_plan, create_directly], ids=["from plan", "directly"])
def test_a_second_live_order_is_refused_unless_another_batch_is_asked_for(planned, create):
    first = create(planned)
    with pytest.raises(ValidationError) as raised:
        create(planned)
    assert raised.value.code == "live_order"
    assert raised.value.messages == [
        f"This sample already has an order: {first.reference} (draft). Ask for another batch to add one more."
    ]
    assert list(ProductionOrder.objects.values_list("pk", flat=True)) == [first.pk]
    second = create(planned, another_batch=True)
    assert second.reference != first.reference
    assert ProductionOrder.objects.filter(sample=planned["sample"]).count() == 2


@pytest.mark.parametrize("gone", [Status.CANCELLED, Status.DECLINED])
def test_a_cancelled_or_declined_order_does_not_block_the_next(planned, gone):
    first = create_from_plan(planned)
    ProductionOrder.objects.filter(pk=first.pk).update(status=gone)
    assert create_from_plan(planned).pk != first.pk


def test_every_live_order_is_named(planned):
    first = create_from_plan(planned)
    services.production_order_release(order_id=first.pk, actor="merch")
    second = create_from_plan(planned, another_batch=True)
    with pytest.raises(ValidationError, match=rf"{first.reference} \(released\), {second.reference} \(draft\)\."):
        create_from_plan(planned)


# --- The sizing record --------------------------------------------------------------


def test_the_recommended_lines_are_ordered_and_recorded_as_not_edited(planned):
    order = create_from_plan(planned)
    plan = planned["plan"]
    assert sorted(order.lines.values_list("variant_id", "market", "quantity")) == sorted(
        (line["variant_id"], line["market"], line["quantity"]) for line in plan["lines"]
    )
    assert order.sizing == plan["sizing"] | {
        "edited_by_merchandiser": False,
        "recommended_lines": plan["lines"],
        "ordered_total": 300,
        "planned_by": "merch",
    }
    assert order.sizing_round == planned["round"] and order.events.get().actor == "merch"


def test_the_same_lines_in_another_order_are_not_an_edit(planned):
    order = create_from_plan(planned, lines=list(reversed(planned["plan"]["lines"])))
    assert order.sizing["edited_by_merchandiser"] is False


def test_edited_lines_are_ordered_and_the_edit_recorded_beside_the_recommendation(planned):
    v1, v2 = planned["variants"]
    edited = [{"variant_id": v1.pk, "market": "US", "quantity": 150}, {"variant_id": v2.pk, "market": "US", "quantity": 30}]
    order = create_from_plan(planned, lines=edited, actor="  anna  ")
    assert sorted(order.lines.values_list("variant_id", "market", "quantity")) == [(v1.pk, "US", 150), (v2.pk, "US", 30)]
    assert order.sizing["edited_by_merchandiser"] is True
    assert order.sizing["recommended_lines"] == planned["plan"]["lines"]
    assert order.sizing["ordered_total"] == 180 and order.sizing["total"] == 300
    assert order.sizing["planned_by"] == "anna"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lines": [{"variant_id": "x", "market": "US", "quantity": 5}]}, "lines[0].variant_id"),
        ({"lines": [{"variant_id": "V1", "market": "US", "quantity": 0}]}, "lines[0].quantity"),
        ({"lines": []}, "lines"),
        ({"plan": {"lines": "all of them"}}, "plan"),
        ({"plan": None}, "plan"),
        ({"actor": " "}, "actor"),
        ({"unit_price": "-1"}, "unit_price"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(planned, overrides, field):
    v1, _ = planned["variants"]
    if "lines" in overrides:
        overrides = {"lines": [dict(line, variant_id=v1.pk) if line["variant_id"] == "V1" else line
                               for line in overrides["lines"]]}
    with pytest.raises(ValidationError) as raised:
        create_from_plan(planned, **overrides)
    assert field in raised.value.message_dict
    assert nothing_stored() and not ProductionOrderLine.objects.exists()


def test_a_plan_made_for_another_factory_or_sample_is_refused(planned):
    with pytest.raises(ValidationError, match="made for another factory: plan again"):
        create_from_plan(planned, factory=FactoryFactory())
    other = SampleFactory(concept=planned["sample"].concept, version=2)
    with pytest.raises(ValidationError, match="made for another sample and sizing round: plan again"):
        create_from_plan(planned, sample=other, sizing_round=None)
    assert nothing_stored()


def test_creating_from_a_plan_runs_bounded_queries(planned, django_assert_max_num_queries):
    # Lines checked (twice), sample locked, checklist, live orders, cycle locked, reference, three inserts;
    # then the concept goes into production through design's transition: savepoint, lock, state, event, release.
    with django_assert_max_num_queries(17):
        create_from_plan(planned)


def test_lines_go_only_to_the_concepts_markets():
    """A buyer from another market answers (the response rate counts them) but orders nothing here;
    a pre-order from another market is left out; the sizing record says how many were set aside."""
    sample = SampleFactory(concept__target_markets=["US", "GB"])
    v1, v2 = VariantFactory(concept=sample.concept), VariantFactory(concept=sample.concept)
    vote_round = VoteRoundFactory(sample=sample, decision=VoteRound.Decision.CONFIRM)
    plan = services.production_order_plan(
        sample=sample, sizing_round=vote_round, factory=FactoryFactory(min_batch=100),
        votes=[
            {"variant_id": v1.pk, "market": "US", "would_order_qty": 120},
            {"variant_id": v2.pk, "market": "DE", "would_order_qty": 500},
        ],
        pre_orders=[{"variant_id": v2.pk, "market": "DE", "quantity": 12}],
    )
    assert {line["market"] for line in plan["lines"]} == {"US"}
    assert plan["sizing"]["outside_markets"] == {"votes": 1, "pre_orders": 1}
    assert plan["sizing"]["responses"] == 2 and plan["sizing"]["total_would_order"] == 120
