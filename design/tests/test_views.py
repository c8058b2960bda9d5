from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from design.models import ComplianceTemplate, Concept, DutyRate, FreightRate, MarketFees
from design.services import concept_compliance_sync

from .factories import ConceptFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def test_create_concept_from_opportunity(staff_client):
    opportunity = OpportunityFactory()
    page = staff_client.get(reverse("design:create"))
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = staff_client.post(reverse("design:create"), {"opportunity": opportunity.pk, "markets": "gb, DE"})
    concept = Concept.objects.get(opportunity=opportunity)
    assert response.status_code == 302 and response["Location"] == concept.get_absolute_url()
    assert concept.target_markets == ["US", "GB", "DE"]
    assert concept.variants.exists() and concept.compliance_items.exists()


@pytest.mark.parametrize("data,field", [
    ({"opportunity": "999999", "markets": ""}, "opportunity"),
    ({"opportunity": "", "markets": ""}, "opportunity"),
    ({"markets": "US, <script>"}, "markets"),
])
def test_create_concept_shows_errors_and_stores_nothing(staff_client, data, field):
    if "opportunity" not in data:
        data["opportunity"] = OpportunityFactory().pk
    response = staff_client.post(reverse("design:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "&lt;script&gt;" in response.content.decode() or "<script>" not in response.content.decode()
    assert not Concept.objects.exists()


def test_actions_are_staff_only_and_csrf_checked(shopper_client):
    opportunity = OpportunityFactory()
    assert shopper_client.post(reverse("design:create"), {"opportunity": opportunity.pk}).status_code == 403
    anonymous = Client()
    assert anonymous.post(reverse("design:create"), {"opportunity": opportunity.pk}).status_code == 302
    from django.contrib.auth import get_user_model

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(get_user_model().objects.create_user("m2", is_staff=True))
    assert csrf_client.post(reverse("design:create"), {"opportunity": opportunity.pk}).status_code == 403
    assert not Concept.objects.exists()


def _rates():
    FreightRate.objects.update_or_create(market="US", mode="sea", defaults={"basis": "m3", "rate": Decimal("110")})
    FreightRate.objects.update_or_create(market="US", mode="air", defaults={"basis": "kg", "rate": Decimal("6.20")})
    FreightRate.objects.update_or_create(market="US", mode="express", defaults={"basis": "kg", "rate": Decimal("9.50")})
    DutyRate.objects.update_or_create(hs_code="6301", market="US", defaults={"rate": Decimal("0.085")})
    MarketFees.objects.update_or_create(market="US", defaults={"platform_fee": Decimal("0.15"), "payment_fee": Decimal("0.03"), "return_allowance": Decimal("0.05")})


def test_concept_page_shows_markets_side_by_side_and_the_air_surprise(staff_client):
    _rates()
    concept = ConceptFactory(target_markets=["US"], hs_code="6301.40", unit_weight_kg=Decimal("1.6"), unit_volume_m3=Decimal("0.018"))
    html = staff_client.get(concept.get_absolute_url()).content.decode()
    assert 'data-market="US" data-mode="sea"' in html and 'data-mode="express"' in html
    assert "air-surprise" in html and "freight eats the margin" in html


def test_costing_form_updates_and_reports_bad_input(staff_client):
    concept = ConceptFactory(target_markets=["US", "DE"])
    url = reverse("design:costing", args=[concept.pk])
    bad = staff_client.post(url, {"hs_code": "abc", "unit_weight_kg": "-1", "unit_volume_m3": "0.01", "fixed_costs": "0", "market_prices": "FR=10"})
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert set(errors) >= {"hs_code", "unit_weight_kg", "market_prices"}
    concept.refresh_from_db()
    assert concept.hs_code == ""
    ok = staff_client.post(url, {"hs_code": "6301.40", "unit_weight_kg": "1.5", "unit_volume_m3": "0.02", "fixed_costs": "1200", "market_prices": "DE=54.99"})
    assert ok.status_code == 302
    concept.refresh_from_db()
    assert concept.hs_code == "6301.40" and concept.market_prices == {"DE": "54.99"}


def test_compliance_tick_from_the_dashboard(staff_client):
    ComplianceTemplate.objects.all().delete()
    ComplianceTemplate.objects.create(category="*", market="US", title="Flammability")
    concept = ConceptFactory(target_markets=["US"])
    concept_compliance_sync(concept=concept)
    item = concept.compliance_items.get()
    url = reverse("design:compliance_check", args=[item.pk])
    empty = staff_client.post(url, {"evidence_note": ""})
    assert empty.status_code == 200 and "needs evidence" in empty.content.decode()
    item.refresh_from_db()
    assert not item.checked
    done = staff_client.post(url, {"evidence_note": "", "evidence_file": SimpleUploadedFile("lab.pdf", b"%PDF-1.4")})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.checked and item.checked_by == "merch"
    evidence = staff_client.get(reverse("design:compliance_evidence", args=[item.pk]))
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == b"%PDF-1.4"
    page = staff_client.get(concept.get_absolute_url()).content.decode()
    assert "ready for production" in page
    staff_client.post(url, {"action": "uncheck"})
    item.refresh_from_db()
    assert not item.checked


@pytest.mark.parametrize("n", [1, 20])
def test_concept_list_query_count(staff_client, django_assert_max_num_queries, n):
    ConceptFactory.create_batch(n)
    with django_assert_max_num_queries(8):
        assert staff_client.get(reverse("design:list")).status_code == 200


def test_concept_detail_query_count(staff_client, django_assert_max_num_queries):
    _rates()
    concept = ConceptFactory(target_markets=["US", "GB", "DE"])
    concept_compliance_sync(concept=concept)
    with django_assert_max_num_queries(25):
        assert staff_client.get(concept.get_absolute_url()).status_code == 200


def test_a_new_concept_expects_an_even_mix_that_the_merchandiser_edits(staff_client):
    opportunity = OpportunityFactory()
    staff_client.post(reverse("design:create"), {"opportunity": opportunity.pk, "markets": "GB"})
    concept = Concept.objects.get(opportunity=opportunity)
    skus = sorted(concept.variants.values_list("sku", flat=True))
    assert set(concept.market_mix) == {"US", "GB"}
    assert all(share == pytest.approx(1 / len(skus), abs=1e-3) for share in concept.market_mix["US"].values())

    url = reverse("design:mix", args=[concept.pk])
    form_page = staff_client.get(url).content.decode()
    variants = list(concept.variants.order_by("sku"))
    assert f'name="mix__US__{variants[0].pk}"' in form_page
    data = {f"mix__{m}__{v.pk}": "0" for m in ("US", "GB") for v in variants}
    data[f"mix__US__{variants[0].pk}"] = "70"
    data[f"mix__US__{variants[1].pk}"] = "30"
    data[f"mix__GB__{variants[-1].pk}"] = "100"
    response = staff_client.post(url, data)
    assert response.status_code == 302
    concept.refresh_from_db()
    assert concept.market_mix["US"][variants[0].sku] == 0.7
    assert concept.market_mix["US"][variants[1].sku] == 0.3
    assert concept.market_mix["GB"][variants[-1].sku] == 1.0
    assert "70.0%" in staff_client.get(concept.get_absolute_url()).content.decode()


def test_a_mix_that_does_not_add_up_is_refused_and_nothing_changes(staff_client):
    opportunity = OpportunityFactory()
    staff_client.post(reverse("design:create"), {"opportunity": opportunity.pk, "markets": ""})
    concept = Concept.objects.get(opportunity=opportunity)
    before = concept.market_mix
    variants = list(concept.variants.order_by("sku"))
    data = {f"mix__US__{v.pk}": "10" for v in variants}
    response = staff_client.post(reverse("design:mix", args=[concept.pk]), data)
    assert response.status_code == 200
    assert "not 100%" in response.content.decode()
    data = {f"mix__US__{v.pk}": "-5" for v in variants}
    assert staff_client.post(reverse("design:mix", args=[concept.pk]), data).status_code == 200
    concept.refresh_from_db()
    assert concept.market_mix == before
