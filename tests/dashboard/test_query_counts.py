"""List pages and home run a fixed number of queries, whether they show 1 row or 20."""

import pytest
from django.urls import reverse

from .conftest import grow

# One bound per page; the same bound must hold for 1 and for 20 rows of everything.
LIST_PAGES = [
    ("dashboard:home", 26),  # 16 + the last loop run + the cycle's timeline + 8 for the to-do list
    ("hotspots:list", 9),
    ("analysis:list", 8),
    ("design:list", 7),
    ("samples:list", 7),
    ("production:list", 7),
    ("promotion:list", 7),
    ("customers:list", 7),
    ("customers:orders", 7),
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
    with django_assert_max_num_queries(26):  # with the cycle's timeline and the to-do list
        assert staff_client.get(reverse("dashboard:cycle", args=[1])).status_code == 200
