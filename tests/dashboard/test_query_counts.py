"""List pages and home run a fixed number of queries, whether they show 1 row or 20."""

import pytest
from django.urls import reverse

from .conftest import grow

# One bound per page; the same bound must hold for 1 and for 20 rows of everything.
LIST_PAGES = [
    ("dashboard:home", 29),  # 16 + the last loop run + the cycle's timeline + 8 for the to-do list + 3 counting clicks and orders
    ("hotspots:list", 9),
    ("analysis:list", 8),
    ("design:list", 7),
    ("samples:list", 7),
    ("production:list", 7),
    ("promotion:list", 7),
    # The cycle's count comes from its counted figures (core.dashboard.figures): the cycle, the newest
    # order, and counting when an order was added, instead of COUNT(*) over every row.
    ("customers:list", 9),
    ("customers:orders", 9),
    ("portraits:list", 8),
]


@pytest.mark.parametrize("extra_rows", [0, 19], ids=["1-row", "20-rows"])
@pytest.mark.parametrize(("name", "bound"), LIST_PAGES, ids=[n for n, _ in LIST_PAGES])
def test_list_page_query_count_is_bounded(staff_client, loop, django_assert_max_num_queries, name, bound, extra_rows):
    grow(loop, extra_rows)
    url = reverse(name)
    if name != "dashboard:home":
        url += "?cycle=1"
    with django_assert_max_num_queries(bound):
        response = staff_client.get(url)
    assert response.status_code == 200
    if name != "dashboard:home":
        assert response.context["paginator"].count >= 1 + extra_rows


@pytest.mark.parametrize("extra_rows", [0, 19], ids=["1-row", "20-rows"])
def test_cycle_page_query_count_is_bounded(staff_client, loop, django_assert_max_num_queries, extra_rows):
    grow(loop, extra_rows)
    with django_assert_max_num_queries(29):  # with the cycle's timeline, the to-do list and the counted figures
        assert staff_client.get(reverse("dashboard:cycle", args=[1])).status_code == 200
