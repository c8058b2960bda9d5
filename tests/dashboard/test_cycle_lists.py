"""Lists open on the current cycle, every cycle is one click away, and scores of different cycles
are never put in one ranking."""

import re

import pytest
from django.urls import reverse

from analysis.models import Opportunity

from .conftest import add_hotspot

pytestmark = pytest.mark.django_db


def _keywords(html: str) -> list[str]:
    return re.findall(r'<td><a href="/hotspots/\d+/">([^<]+)</a>', html)


def test_a_list_opens_on_the_current_cycle_with_all_cycles_one_click_away(staff_client, loop):
    add_hotspot(loop.cycle2, "mermaid throw", "US", 40.0)
    response = staff_client.get(reverse("hotspots:list"))
    html = response.content.decode()
    assert response.context["selected_cycle"] == "2" and response.context["cycle"] == loop.cycle2
    assert _keywords(html) == ["mermaid throw"]  # cycle 1's hotspot waits behind "All cycles"
    assert '<a class="nav-link py-1" href="?cycle=all">All cycles</a>' in html
    assert re.search(r'class="nav-link py-1 active" href="\?cycle=2" aria-current="page">Cycle 2 <span[^>]*>\(current\)', html)

    everything = staff_client.get(reverse("hotspots:list"), {"cycle": "all"})
    assert everything.context["selected_cycle"] == "all" and everything.context["cycle"] is None
    assert sorted(_keywords(everything.content.decode())) == ["mermaid blanket", "mermaid throw"]
    assert 'name="cycle" value="all"' in everything.content.decode()  # the filter form keeps "all cycles"

    older = staff_client.get(reverse("hotspots:list"), {"cycle": "1"})
    assert _keywords(older.content.decode()) == ["mermaid blanket"]


def test_over_all_cycles_scores_rank_within_each_cycle_newest_first(staff_client, loop):
    # Cycle 1's hotspot scores 0.91 on its exports' scale; cycle 2's are on theirs.
    add_hotspot(loop.cycle2, "mermaid throw", "US", 0.40)
    add_hotspot(loop.cycle2, "sherpa throw", "US", 0.70)
    add_hotspot(loop.cycle, "teal blanket", "US", 0.20)
    response = staff_client.get(reverse("hotspots:list"), {"cycle": "all", "sort": "-score"})
    html = response.content.decode()
    assert _keywords(html) == ["sherpa throw", "mermaid throw", "mermaid blanket", "teal blanket"]
    assert "Ranked within each cycle, newest first" in html
    ascending = staff_client.get(reverse("hotspots:list"), {"cycle": "all", "sort": "score"}).content.decode()
    assert _keywords(ascending) == ["mermaid throw", "sherpa throw", "teal blanket", "mermaid blanket"]
    # A sort that is on one scale everywhere ranks across cycles, and one cycle needs no note.
    by_keyword = staff_client.get(reverse("hotspots:list"), {"cycle": "all", "sort": "keyword"}).content.decode()
    assert _keywords(by_keyword) == ["mermaid blanket", "mermaid throw", "sherpa throw", "teal blanket"]
    assert "Ranked within each cycle" not in by_keyword
    one_cycle = staff_client.get(reverse("hotspots:list"), {"cycle": "1", "sort": "-score"}).content.decode()
    assert "Ranked within each cycle" not in one_cycle


def test_opportunities_rank_within_their_cycle(staff_client, loop):
    Opportunity.objects.create(cycle=loop.cycle2, category="throw", market="US", key="throw|US|a", score=0.30, rank=1)
    Opportunity.objects.create(cycle=loop.cycle2, category="throw", market="GB", key="throw|GB|a", score=0.95, rank=2)
    response = staff_client.get(reverse("analysis:list"), {"cycle": "all", "sort": "-score"})
    assert [(o.cycle.number, o.score) for o in response.context["object_list"]] == [(2, 0.95), (2, 0.30), (1, 0.88)]
    by_rank = staff_client.get(reverse("analysis:list"), {"cycle": "all"})
    assert [(o.cycle.number, o.rank) for o in by_rank.context["object_list"]] == [(2, 1), (2, 2), (1, 1)]


def test_a_filter_without_a_cycle_looks_in_every_cycle(staff_client, loop):
    # A link to one record's rows (or a search) must not lose the rows of an older cycle.
    response = staff_client.get(reverse("hotspots:list"), {"keyword": "mermaid"})
    assert response.context["selected_cycle"] == "all"
    assert _keywords(response.content.decode()) == ["mermaid blanket"]
    orders = staff_client.get(reverse("customers:orders"), {"customer": loop.customer.pk})
    assert [o.external_id for o in orders.context["object_list"]] == ["O-5001"]


def test_orders_and_customers_open_on_all_cycles(staff_client, loop):
    # Orders come from the shops, some outside any cycle; customers are the shop's, not one cycle's.
    orders = staff_client.get(reverse("customers:orders"))
    assert orders.context["selected_cycle"] == "all"
    assert [o.external_id for o in orders.context["object_list"]] == ["O-5001"]
    assert list(staff_client.get(reverse("customers:orders"), {"cycle": "2"}).context["object_list"]) == []
    customers = staff_client.get(reverse("customers:list"))
    assert customers.context["selected_cycle"] == "all"
    assert [c.external_id for c in customers.context["object_list"]] == ["C-1001"]


def test_a_cycle_that_is_not_a_number_is_a_filter_error_not_a_crash(staff_client, loop):
    response = staff_client.get(reverse("hotspots:list"), {"cycle": "first"})
    assert response.status_code == 200
    assert "filter-errors" in response.content.decode()


def test_without_any_cycle_a_list_shows_all_rows(staff_client, db):
    response = staff_client.get(reverse("hotspots:list"))
    assert response.status_code == 200 and response.context["selected_cycle"] == "all"
