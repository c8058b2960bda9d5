"""Designing straight from a portrait brief, from the brief's page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from analysis.services import attribute_lexicon_seed
from core.services import cycle_open
from design.models import Concept
from portraits.models import Brief

from .factories import SegmentFactory

pytestmark = pytest.mark.django_db


def _brief(*, for_cycle, category="throw"):
    segment = SegmentFactory()
    return Brief.objects.create(
        run=segment.run, segment=segment, for_cycle=for_cycle, category=category, attributes=["linen", "cream"],
        price_low=Decimal("30"), price_high=Decimal("50"), markets=["US", "GB"], keywords=["linen throw"],
    )


def test_a_brief_becomes_a_concept_in_the_cycle_it_seeds(staff_client):
    attribute_lexicon_seed()
    next_cycle = cycle_open()
    brief = _brief(for_cycle=next_cycle)
    response = staff_client.post(reverse("portraits:brief_concept", args=[brief.pk]))
    concept = Concept.objects.get()
    assert response.status_code == 302 and response["Location"] == concept.get_absolute_url()
    assert concept.cycle == next_cycle and concept.brief == brief and concept.target_segment == brief.segment
    assert concept.opportunity is None
    assert concept.category == "throw" and concept.target_markets == ["US", "GB"]
    assert {a.name for a in concept.attributes.all()} == {"linen", "cream"}
    assert concept.target_price == Decimal("39.99")
    assert {v.material for v in concept.variants.all()} == {"linen"}
    assert "cream" in {v.colour for v in concept.variants.all()}
    page = staff_client.get(reverse("portraits:brief", args=[brief.pk])).content.decode()
    assert concept.get_absolute_url() in page


def test_a_brief_seeding_no_cycle_or_no_category_makes_nothing(staff_client):
    brief = _brief(for_cycle=None)
    response = staff_client.post(reverse("portraits:brief_concept", args=[brief.pk]), follow=True)
    assert "seeds no cycle yet" in response.content.decode()
    brief = _brief(for_cycle=cycle_open(), category="")
    response = staff_client.post(reverse("portraits:brief_concept", args=[brief.pk]), follow=True)
    assert "names no category" in response.content.decode()
    assert not Concept.objects.exists()


def test_only_staff_by_post(client, django_user_model):
    brief = _brief(for_cycle=cycle_open())
    url = reverse("portraits:brief_concept", args=[brief.pk])
    assert client.post(url).status_code == 302  # to login
    client.force_login(django_user_model.objects.create_user("shopper", password="x"))
    assert client.post(url).status_code == 403
    client.force_login(django_user_model.objects.create_user("merch", password="x", is_staff=True))
    assert client.get(url).status_code == 405
    assert not Concept.objects.exists()


# --- the pages of a run built on demo orders -------------------------------------------------------

import csv  # noqa: E402
import io  # noqa: E402

from core.models import TaskRun  # noqa: E402
from customers.services import demo_orders_generate  # noqa: E402
from customers.tests.factories import CycleFactory  # noqa: E402
from portraits.models import PortraitRun, SegmentMembership  # noqa: E402
from portraits.services import portrait_run_build  # noqa: E402


@pytest.fixture
def built_run():
    cycle = CycleFactory(number=1, is_demo=True)
    demo_orders_generate(cycle=cycle, n_customers=240, seed=1)
    return portrait_run_build(cycle=cycle, is_demo=True)


def test_the_run_page_shows_every_segment_side_by_side_with_labelled_figures(staff_client, built_run, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("portraits:run", args=[built_run.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for segment in built_run.segments.all():
        assert segment.name.replace("&", "&amp;") in html and segment.get_absolute_url() in html
    for label in ("Expected spend, next 365 days", "Days since last order (median)", "Lift", "Price band (middle half)",
                  "Came through", "Silhouette by k", "Agreement with the previous run", "All customers"):
        assert label in html, label
    titles = " ".join(response.context["charts"])
    for title in ("Share of customers, revenue and expected spend", "Market mix", "RFM groups", "Recency vs monetary"):
        assert title in titles
    # No raw keys or dicts on the page.
    for raw in ("recency_days", "top_attributes", "{'", "customer_share"):
        assert raw not in html, raw


def test_the_segment_page_lists_members_with_search_paging_and_charts(staff_client, built_run, django_assert_max_num_queries):
    segment = built_run.segments.order_by("-size").first()
    url = reverse("portraits:segment", args=[segment.pk])
    with django_assert_max_num_queries(10):
        response = staff_client.get(url)
    assert len(response.context["members"]) == min(50, segment.size)
    titles = " ".join(response.context["charts"])
    for title in ("Preferred attributes: lift over all customers", "Market mix", "Unit price paid", "RFM groups"):
        assert title in titles
    member = SegmentMembership.objects.filter(segment=segment).select_related("customer").last()
    found = staff_client.get(url, {"q": member.customer.external_id}).context["members"]
    assert [m.pk for m in found] == [member.pk]
    if segment.size > 50:
        second = staff_client.get(url, {"page": 2}).context["members"]
        assert second[0].customer_id > response.context["members"][49].customer_id


def test_members_export_as_csv_with_their_features(staff_client, built_run):
    segment = built_run.segments.order_by("size").first()
    response = staff_client.get(reverse("portraits:segment_export", args=[segment.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["customer id", "shop", "id at the shop", "main market"] and "RFM group" in rows[0]
    assert len(rows) - 1 == segment.size
    ids = {int(r[0]) for r in rows[1:]}
    assert ids == set(SegmentMembership.objects.filter(segment=segment).values_list("customer_id", flat=True))


def test_build_portraits_now_starts_a_run_whose_page_shows_its_progress(staff_client, built_run, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("portraits:run_start"))
    run = PortraitRun.objects.order_by("-version").first()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.version == 2 and run.status == PortraitRun.Status.DONE and run.is_current
    assert run.task_run.kind == "portraits.build" and run.task_run.status == TaskRun.Status.DONE
    page = staff_client.get(run.get_absolute_url()).content.decode()
    assert f"task-run-{run.task_run.pk}" in page and "100%" in page


def test_a_brief_is_edited_dropped_and_merged_from_its_page(staff_client, built_run):
    first, second, third = list(built_run.briefs.order_by("-weight"))[:3]
    page = staff_client.get(reverse("portraits:brief", args=[first.pk])).content.decode()
    assert "Why: the numbers behind it" in page and "Save brief" in page and "Merge into" in page
    response = staff_client.post(reverse("portraits:brief_edit", args=[first.pk]), {
        "attributes": "wool, cream", "markets": "us, gb", "keywords": "wool throw\ncream throw", "price_low": "20",
        "price_high": "60", "text": "Warm throws.",
    })
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.keywords == ["wool throw", "cream throw"] and first.markets == ["US", "GB"] and first.edited_by == "merch"
    bad = staff_client.post(reverse("portraits:brief_edit", args=[first.pk]), {"price_low": "80", "price_high": "10"}, follow=True)
    assert "below its low end" in bad.content.decode()
    staff_client.post(reverse("portraits:brief_merge", args=[second.pk]), {"into": first.pk})
    second.refresh_from_db()
    assert second.status == Brief.Status.MERGED and second.merged_into_id == first.pk
    staff_client.post(reverse("portraits:brief_drop", args=[third.pk]))
    third.refresh_from_db()
    assert third.status == Brief.Status.DROPPED


def test_portrait_writes_are_staff_only_and_by_post(client, django_user_model, built_run):
    brief = built_run.briefs.first()
    urls = [reverse("portraits:run_start"), reverse("portraits:brief_edit", args=[brief.pk]),
            reverse("portraits:brief_drop", args=[brief.pk]), reverse("portraits:brief_merge", args=[brief.pk])]
    for url in urls:
        assert client.post(url).status_code == 302  # to login
    client.force_login(django_user_model.objects.create_user("shopper", password="x"))
    for url in urls + [reverse("portraits:segment_export", args=[brief.segment_id])]:
        assert client.post(url).status_code == 403
    assert PortraitRun.objects.count() == 1 and brief.status == Brief.Status.ACTIVE
