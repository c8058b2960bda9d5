"""Planning a batch from the dashboard, and releasing or cancelling an order from its page."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import formats
from design.models import ComplianceItem
from production import services
from production.models import PreOrder, ProductionOrder
from production.selectors import pre_orders_for_sizing
from production.services import production_order_plan, sizing_money_for_concept
from samples.models import Buyer, Invitation, Vote, VoteRound
from samples.selectors import round_votes_for_sizing

from .factories import (
    FactoryFactory,
    ProductionOrderFactory,
    ProductionOrderLineFactory,
    SampleFactory,
    VariantFactory,
    VoteRoundFactory,
)

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status


def confirmed(*, buyers: int = 8, variants: int = 2, markets=("US", "GB")):
    """A costed blanket concept whose sample was confirmed by ``buyers`` votes out of ``buyers + 2`` invited."""
    sample = SampleFactory(
        concept__target_markets=list(markets), concept__hs_code="6301.40", concept__unit_weight_kg=Decimal("1.800"),
        concept__unit_volume_m3=Decimal("0.01000"),
    )
    colours = ["grey", "blue", "cream", "sage", "rust", "ink", "sand", "moss"]
    made = [
        VariantFactory(concept=sample.concept, colour=colours[i % 8], material="sherpa", size="130x170")
        for i in range(variants)
    ]
    vote_round = VoteRoundFactory(sample=sample, decision=VoteRound.Decision.CONFIRM, decided_by="merch")
    for i in range(buyers + 2):
        buyer = Buyer.objects.create(name=f"Buyer {sample.pk}-{i}", email=f"b{sample.pk}-{i}@buyers.test", company="Shop")
        Invitation.objects.create(round=vote_round, buyer=buyer, sent_at=timezone.now())
        if i < buyers:
            Vote.objects.create(
                round=vote_round, buyer=buyer, score=4, would_order_qty=40 + 10 * (i % 5),
                preferred_variant=made[i % len(made)], market=markets[i % len(markets)],
            )
    return vote_round, made


def params(factory, /, **overrides):
    values = {"factory": factory.pk, "conversion_rate": "0.4", "unit_margin": "18.50", "unsold_cost": "7.00"}
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def plan_url(vote_round):
    return reverse("production:plan", args=[vote_round.sample_id])


def expected_plan(vote_round, factory, *, conversion_rate=0.4, unit_margin="18.50", unsold_cost="7.00"):
    return production_order_plan(
        sample=vote_round.sample, sizing_round=vote_round, factory=factory,
        votes=round_votes_for_sizing(round=vote_round), pre_orders=pre_orders_for_sizing(concept=vote_round.sample.concept),
        unit_margin=Decimal(unit_margin), unsold_cost=Decimal(unsold_cost),
        invited=vote_round.invitations.count(), conversion_rate=conversion_rate,
    )


def line_fields(lines):
    return {f"line-{line['variant_id']}-{line['market']}": str(line["quantity"]) for line in lines}


# --- Who may plan ---------------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_a_non_merchandiser_is_refused(client):
    vote_round, _ = confirmed()
    factory = FactoryFactory()
    url = plan_url(vote_round)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(url, params(factory, action="create")).status_code == 302
    client.force_login(get_user_model().objects.create_user("shopper", password="pw"))
    assert client.get(url).status_code == 403
    assert client.post(url, params(factory, action="create")).status_code == 403
    assert not ProductionOrder.objects.exists()


def test_creating_needs_the_csrf_token():
    vote_round, _ = confirmed()
    factory = FactoryFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_user("merch", password="pw", is_staff=True))
    plan = expected_plan(vote_round, factory)
    response = client.post(plan_url(vote_round), params(factory, action="create") | line_fields(plan["lines"]))
    assert response.status_code == 403
    assert not ProductionOrder.objects.exists()


def test_a_sample_without_a_confirmed_round_cannot_be_planned(staff):
    vote_round, _ = confirmed()
    VoteRound.objects.filter(pk=vote_round.pk).update(decision=VoteRound.Decision.REVISE)
    response = staff.get(plan_url(vote_round), follow=True)
    assert response.redirect_chain[-1][0] == reverse("production:list")
    assert "no confirmed vote round" in " ".join(str(m) for m in response.context["messages"])
    assert staff.get(reverse("production:plan", args=[999999])).status_code == 404


# --- The page before and during preview -----------------------------------------------


def test_the_page_shows_the_round_and_prefills_money_and_factory_defaults(staff):
    vote_round, _ = confirmed(buyers=8)
    maker = FactoryFactory(name="Blanket Mill", categories=["blanket"], price_list={"blanket": "10.40"}, lead_time_days=25)
    FactoryFactory(name="Towel Mill", categories=["towel"])
    response = staff.get(plan_url(vote_round))
    assert response.status_code == 200
    html = response.content.decode()
    assert "8 of 10 invited buyers answered" in html and "response rate 80%" in html
    assert "Compliance checklist complete" in html
    form = response.context["form"]
    money = sizing_money_for_concept(concept=vote_round.sample.concept)
    assert money and form.initial["unit_margin"] == money["unit_margin"] and form.initial["unsold_cost"] == money["unsold_cost"]
    assert form.initial["conversion_rate"] == "0.3"
    assert form.initial["factory"] == maker.pk
    assert form.initial["unit_price"] == Decimal("10.40")
    assert form.initial["due_date"] == timezone.localdate() + datetime.timedelta(days=25)
    # Only factories that make blankets are offered, unless all are asked for.
    assert [pk for pk, _ in form.fields["factory"].choices] == [maker.pk]
    assert "Towel Mill" not in html
    everyone = staff.get(plan_url(vote_round) + "?all_factories=1")
    assert "Towel Mill (does not list blanket)" in everyone.content.decode()
    assert "data-factory-warning" in everyone.content.decode()
    assert "plan" not in response.context  # nothing previewed yet


def test_without_a_factory_for_the_category_every_factory_is_offered_with_a_warning(staff):
    vote_round, _ = confirmed()
    towels = FactoryFactory(name="Towel Mill", categories=["towel"])
    response = staff.get(plan_url(vote_round))
    assert [pk for pk, _ in response.context["form"].fields["factory"].choices] == [towels.pk]
    assert "No factory lists the category" in response.content.decode()


def test_preview_shows_exactly_what_the_plan_service_computes(staff):
    vote_round, variants = confirmed(buyers=9)
    factory = FactoryFactory(min_batch=50, categories=["blanket"])
    PreOrder.objects.create(
        variant=variants[1], market="GB", quantity=35, channel="shopify", reference="#1001", ordered_at=timezone.now()
    )
    PreOrder.objects.create(
        variant=variants[1], market="GB", quantity=5, channel="shopify", reference="#1002", ordered_at=timezone.now(),
        status=PreOrder.Status.CANCELLED,
    )
    response = staff.get(plan_url(vote_round), params(factory))
    assert response.status_code == 200
    expected = expected_plan(vote_round, factory)
    assert response.context["plan"] == expected
    sizing = response.context["sizing"]
    assert sizing["pre_orders"] == 35
    html = response.content.decode()
    for needle in (
        f"data-forecast-mean>{formats.number(sizing['forecast_mean'], 1)}<",
        f"{formats.number(sizing['forecast_interval_80'][0], 1)} – {formats.number(sizing['forecast_interval_80'][1], 1)}",
        "data-pre-orders>35<",
        f"data-newsvendor>{formats.number(sizing['newsvendor_quantity'])}<",
        "data-min-batch>50<",
        f"<strong>{formats.number(sizing['total'])}</strong>",
    ):
        assert needle in html, needle
    assert f"data-critical-ratio>{formats.number(sizing['critical_ratio'], 2)} " in html
    # The split: a table with one editable line per variant × market, and a stacked bar chart.
    rows = {(row["variant"].pk, row["market"]): row for row in response.context["rows"]}
    for line in expected["lines"]:
        assert rows[(line["variant_id"], line["market"])]["recommended"] == line["quantity"]
        assert f'name="line-{line["variant_id"]}-{line["market"]}" value="{line["quantity"]}"' in html
    assert rows[(variants[1].pk, "GB")]["pre_orders"] == 35
    assert "plotly-cartesian.min.js" in html and '"barmode":"stack"' in html
    assert response.context["recommended_total"] == sizing["total"]


def test_preview_by_post_keeps_the_edited_lines_and_creates_nothing(staff):
    vote_round, variants = confirmed()
    factory = FactoryFactory()
    plan = expected_plan(vote_round, factory)
    edited = line_fields(plan["lines"]) | {f"line-{variants[0].pk}-US": "500"}
    response = staff.post(plan_url(vote_round), params(factory, action="preview") | edited)
    assert response.status_code == 200
    assert response.context["edited"] is True
    assert response.context["ordered_total"] == sum(int(v) for v in edited.values())
    assert not ProductionOrder.objects.exists()


def test_the_plan_shows_orders_of_the_factory_that_share_a_component(staff):
    vote_round, _ = confirmed()
    factory = FactoryFactory(categories=["blanket"])
    other_factory = FactoryFactory(categories=["blanket"])
    sharing = ProductionOrderFactory(factory=factory, status=Status.ACCEPTED, reference="PO-SHARE-1")
    ProductionOrderLineFactory(
        order=sharing, variant=VariantFactory(concept=sharing.sample.concept, material="sherpa", size="90x90")
    )
    elsewhere = ProductionOrderFactory(factory=other_factory, status=Status.ACCEPTED, reference="PO-ELSEWHERE")
    ProductionOrderLineFactory(order=elsewhere, variant=VariantFactory(concept=elsewhere.sample.concept, material="sherpa"))
    unrelated = ProductionOrderFactory(factory=factory, status=Status.ACCEPTED, reference="PO-LINEN")
    ProductionOrderLineFactory(
        order=unrelated, variant=VariantFactory(concept=unrelated.sample.concept, material="linen", size="50x50")
    )
    response = staff.get(plan_url(vote_round), params(factory))
    shared = response.context["shared_components"]
    assert [g["orders"] for g in shared] == [["PO-SHARE-1"]]
    assert shared[0]["same_fabric"] and not shared[0]["same_blank"]
    html = response.content.decode()
    assert "PO-SHARE-1" in html and "PO-ELSEWHERE" not in html and "PO-LINEN" not in html


# --- Bad input creates nothing ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unit_margin": "-3"}, "unit_margin"),
        ({"unit_margin": "0"}, "unit_margin"),
        ({"unit_margin": "abc"}, "unit_margin"),
        ({"unsold_cost": "-1"}, "unsold_cost"),
        ({"unsold_cost": "NaN"}, "unsold_cost"),
        ({"conversion_rate": "1.5"}, "conversion_rate"),
        ({"conversion_rate": "0"}, "conversion_rate"),
        ({"conversion_rate": None}, "conversion_rate"),
        ({"factory": "999999"}, "factory"),
        ({"factory": "abc"}, "factory"),
        ({"unit_price": "-2"}, "unit_price"),
        ({"due_date": "2001-01-01"}, "due_date"),
        ({"due_date": "not a date"}, "due_date"),
    ],
)
def test_bad_sizing_input_is_a_field_error_and_creates_nothing(staff, overrides, field):
    vote_round, _ = confirmed()
    factory = FactoryFactory()
    plan = expected_plan(vote_round, factory)
    preview = staff.get(plan_url(vote_round), params(factory, **overrides))
    assert preview.status_code == 200 and field in preview.context["form"].errors
    assert "plan" not in preview.context
    response = staff.post(plan_url(vote_round), params(factory, action="create", **overrides) | line_fields(plan["lines"]))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ProductionOrder.objects.exists()


def test_a_factory_not_offered_cannot_be_chosen_by_a_forged_request(staff):
    vote_round, _ = confirmed()
    FactoryFactory(categories=["blanket"])
    towels = FactoryFactory(categories=["towel"])
    response = staff.post(plan_url(vote_round), params(towels, action="create") | {"line-1-US": "10"})
    assert response.status_code == 400 and "factory" in response.context["form"].errors
    assert not ProductionOrder.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [("-5", "greater than or equal to 0"), ("2.5", "whole number"), ("ten", "whole number"),
     ("99999999", "less than or equal to")],
)
def test_bad_line_quantities_name_the_line_and_create_nothing(staff, value, message):
    vote_round, variants = confirmed()
    factory = FactoryFactory()
    plan = expected_plan(vote_round, factory)
    posted = line_fields(plan["lines"]) | {f"line-{variants[0].pk}-US": value}
    response = staff.post(plan_url(vote_round), params(factory, action="create") | posted)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Line {variants[0].sku} × US:" in html and message in html
    assert not ProductionOrder.objects.exists()


def test_lines_of_another_concept_or_market_injected_in_the_post_are_refused(staff):
    vote_round, _ = confirmed()
    stranger = VariantFactory()  # a variant of another concept
    factory = FactoryFactory()
    plan = expected_plan(vote_round, factory)
    injections = (
        {f"line-{stranger.pk}-US": "50"},  # another concept's variant
        {f"line-{plan['lines'][0]['variant_id']}-XX": "50"},  # a market the batch does not serve
        {"line-1 OR 1=1-US": "5"},
    )
    for injected in injections:
        response = staff.post(plan_url(vote_round), params(factory, action="create") | line_fields(plan["lines"]) | injected)
        assert response.status_code == 400
        assert "not a variant and market of this batch" in response.content.decode()
    assert not ProductionOrder.objects.exists()


def test_all_lines_at_zero_is_refused(staff):
    vote_round, _ = confirmed()
    factory = FactoryFactory()
    plan = expected_plan(vote_round, factory)
    zeros = {key: "0" for key in line_fields(plan["lines"])}
    response = staff.post(plan_url(vote_round), params(factory, action="create") | zeros)
    assert response.status_code == 400
    assert "at least one line above 0" in response.content.decode()
    assert not ProductionOrder.objects.exists()


# --- Creating the draft ------------------------------------------------------------------


def test_create_makes_the_recommended_draft_with_its_sizing(staff):
    vote_round, _ = confirmed()
    factory = FactoryFactory(price_list={"blanket": "10.40"}, lead_time_days=28)
    plan = expected_plan(vote_round, factory)
    response = staff.post(plan_url(vote_round), params(factory, action="create") | line_fields(plan["lines"]))
    order = ProductionOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert order.status == Status.DRAFT and order.factory == factory
    assert order.sample == vote_round.sample and order.sizing_round == vote_round and order.cycle == vote_round.cycle
    assert order.unit_price == Decimal("10.40")
    assert order.due_date == timezone.localdate() + datetime.timedelta(days=28)
    assert sorted((l.variant_id, l.market, l.quantity) for l in order.lines.all()) == sorted(
        (l["variant_id"], l["market"], l["quantity"]) for l in plan["lines"]
    )
    assert order.sizing["edited_by_merchandiser"] is False
    assert order.sizing["recommended_lines"] == plan["lines"]
    assert order.sizing["forecast_mean"] == plan["sizing"]["forecast_mean"]
    assert order.sizing["unit_margin"] == 18.5 and order.sizing["conversion_rate"] == 0.4
    assert order.events.get().actor == "merch"
    page = staff.get(order.get_absolute_url()).content.decode()
    assert "Release to" in page and "Cancel order" in page and "data-edited-sizing" not in page


def test_edited_lines_are_ordered_and_the_edit_is_recorded(staff):
    vote_round, variants = confirmed()
    factory = FactoryFactory()
    plan = expected_plan(vote_round, factory)
    posted = {key: "0" for key in line_fields(plan["lines"])}
    posted[f"line-{variants[0].pk}-US"] = "120"
    posted[f"line-{variants[1].pk}-GB"] = "80"
    response = staff.post(
        plan_url(vote_round),
        params(factory, action="create", unit_price="9.99", due_date=str(timezone.localdate() + datetime.timedelta(days=40)))
        | posted,
    )
    assert response.status_code == 302
    order = ProductionOrder.objects.get()
    assert sorted((l.variant_id, l.market, l.quantity) for l in order.lines.all()) == sorted(
        [(variants[0].pk, "US", 120), (variants[1].pk, "GB", 80)]
    )
    assert order.unit_price == Decimal("9.99") and order.due_date == timezone.localdate() + datetime.timedelta(days=40)
    assert order.sizing["edited_by_merchandiser"] is True
    assert order.sizing["recommended_lines"] == plan["lines"]
    assert order.sizing["ordered_total"] == 200 and order.sizing["total"] == plan["sizing"]["total"]
    page = staff.get(order.get_absolute_url()).content.decode()
    assert f"from the recommended {plan['sizing']['total']} units" in page


def test_a_second_batch_for_the_same_sample_must_be_asked_for(staff):
    vote_round, _ = confirmed()
    factory = FactoryFactory()
    plan = expected_plan(vote_round, factory)
    body = params(factory, action="create") | line_fields(plan["lines"])
    assert staff.post(plan_url(vote_round), body).status_code == 302
    again = staff.post(plan_url(vote_round), body)
    assert again.status_code == 400 and "already has an order" in again.content.decode()
    assert ProductionOrder.objects.count() == 1
    assert staff.post(plan_url(vote_round), body | {"another_batch": "1"}).status_code == 302
    assert ProductionOrder.objects.count() == 2


def test_an_unfinished_compliance_checklist_blocks_the_order(staff):
    vote_round, _ = confirmed()
    concept = vote_round.sample.concept
    ComplianceItem.objects.create(concept=concept, market="US", title="16 CFR 1610 flammability", required=True)
    ComplianceItem.objects.create(concept=concept, market="US", title="Carton marks", required=False)
    factory = FactoryFactory()
    response = staff.get(plan_url(vote_round), params(factory))
    html = response.content.decode()
    assert "Not ready for production" in html and "US: 16 CFR 1610 flammability" in html
    assert "Carton marks" not in html
    assert html.count("data-create>") == 1 and ' disabled title="The compliance checklist is not complete" data-create>' in html
    plan = expected_plan(vote_round, factory)
    refused = staff.post(plan_url(vote_round), params(factory, action="create") | line_fields(plan["lines"]))
    assert refused.status_code == 400
    assert "is not ready for production: US: 16 CFR 1610 flammability" in refused.content.decode()
    assert not ProductionOrder.objects.exists()


# --- The order list's waiting block ------------------------------------------------------


def test_the_order_list_offers_confirmed_samples_that_wait_for_an_order(staff):
    waiting, _ = confirmed()
    ordered, _ = confirmed()
    ProductionOrderFactory(sample=ordered.sample)
    dropped, _ = confirmed()
    ProductionOrderFactory(sample=dropped.sample, status=Status.CANCELLED)
    undecided, _ = confirmed()
    VoteRound.objects.filter(pk=undecided.pk).update(decision="")
    response = staff.get(reverse("production:list"), {"cycle": "all"})
    assert {r.pk for r in response.context["samples_waiting"]} == {waiting.pk, dropped.pk}
    html = response.content.decode()
    assert "Confirmed samples waiting for an order" in html
    assert reverse("production:plan", args=[waiting.sample_id]) in html
    assert reverse("production:plan", args=[ordered.sample_id]) not in html


@pytest.mark.parametrize("extra", [0, 15])
def test_order_list_with_waiting_samples_runs_bounded_queries(staff, django_assert_max_num_queries, extra):
    for _ in range(1 + extra):
        confirmed(buyers=1, variants=1)
        order = ProductionOrderFactory()
        ProductionOrderLineFactory(order=order)
    with django_assert_max_num_queries(7):
        response = staff.get(reverse("production:list"), {"cycle": "all"})
    assert len(response.context["samples_waiting"]) == 1 + extra


@pytest.mark.parametrize(("buyers", "variants", "factories", "orders"), [(2, 1, 1, 0), (40, 6, 12, 10)])
def test_plan_page_runs_bounded_queries(staff, django_assert_max_num_queries, buyers, variants, factories, orders):
    vote_round, made = confirmed(buyers=buyers, variants=variants, markets=("US", "GB", "DE"))
    chosen = FactoryFactory(categories=["blanket"])
    for _ in range(factories - 1):
        FactoryFactory(categories=["blanket"])
    for i in range(orders):
        order = ProductionOrderFactory(factory=chosen, status=Status.ACCEPTED)
        ProductionOrderLineFactory(order=order, variant=VariantFactory(concept=order.sample.concept, material="sherpa"))
    for i, variant in enumerate(made):
        PreOrder.objects.create(variant=variant, market="DE", quantity=3, reference=f"P-{i}", ordered_at=timezone.now())
    with django_assert_max_num_queries(18):
        assert staff.get(plan_url(vote_round)).status_code == 200
    with django_assert_max_num_queries(18):
        response = staff.get(plan_url(vote_round), params(chosen))
    assert response.status_code == 200 and response.context["plan"]


# --- Releasing and cancelling from the order page ----------------------------------------


def draft_order(**kwargs):
    order = ProductionOrderFactory(**kwargs)
    ProductionOrderLineFactory(order=order, quantity=120)
    return order


def test_release_moves_a_draft_to_released_with_the_note(staff):
    order = draft_order()
    response = staff.post(reverse("production:release", args=[order.pk]), {"note": "PO attached"}, follow=True)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Status.RELEASED and order.released_at is not None
    event = order.events.get(to_status="released")
    assert event.actor == "merch" and event.note == "PO attached"
    assert any("released to" in str(m) for m in response.context["messages"])
    html = response.content.decode()
    assert "Release to" not in html and "Cancel order" in html


def test_releasing_twice_shows_the_reason_and_changes_nothing(staff):
    order = draft_order(status=Status.RELEASED)
    response = staff.post(reverse("production:release", args=[order.pk]), {}, follow=True)
    assert "cannot become released" in " ".join(str(m) for m in response.context["messages"])
    assert not order.events.exists()


def test_cancel_needs_a_reason(staff):
    order = draft_order()
    response = staff.post(reverse("production:cancel", args=[order.pk]), {"reason": "  "}, follow=True)
    assert "Say why the order is cancelled." in " ".join(str(m) for m in response.context["messages"])
    order.refresh_from_db()
    assert order.status == Status.DRAFT


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RELEASED, Status.ACCEPTED])
def test_cancel_before_production_records_the_reason(staff, status):
    order = draft_order(status=status)
    page = staff.get(order.get_absolute_url()).content.decode()
    assert "Cancel order" in page
    staff.post(reverse("production:cancel", args=[order.pk]), {"reason": "Buyer pulled out"})
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert order.events.get(to_status="cancelled").note == "Buyer pulled out"


@pytest.mark.parametrize("status", [Status.IN_PRODUCTION, Status.SHIPPED, Status.CANCELLED, Status.DECLINED])
def test_an_order_past_cancelling_shows_no_button_and_a_forged_cancel_is_refused(staff, status):
    order = draft_order(status=status)
    page = staff.get(order.get_absolute_url()).content.decode()
    assert "Cancel order" not in page and "Release to" not in page
    response = staff.post(reverse("production:cancel", args=[order.pk]), {"reason": "too late"}, follow=True)
    assert f"is {status} and cannot become cancelled" in " ".join(str(m) for m in response.context["messages"])
    order.refresh_from_db()
    assert order.status == status and not order.events.exists()


def test_order_actions_are_post_only_staff_only_and_csrf_checked(client, staff):
    order = draft_order()
    for name in ("production:release", "production:cancel"):
        assert staff.get(reverse(name, args=[order.pk])).status_code == 405
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(get_user_model().objects.get(username="merch"))
    assert guarded.post(reverse("production:cancel", args=[order.pk]), {"reason": "x"}).status_code == 403
    plain = Client()
    plain.force_login(get_user_model().objects.create_user("shopper", password="pw"))
    assert plain.post(reverse("production:release", args=[order.pk]), {}).status_code == 403
    anonymous = Client()
    assert anonymous.post(reverse("production:cancel", args=[order.pk]), {"reason": "x"}).status_code == 302
    order.refresh_from_db()
    assert order.status == Status.DRAFT and not order.events.exists()
    assert staff.post(reverse("production:release", args=[999999]), {}).status_code == 404
