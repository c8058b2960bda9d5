"""Ids and numbers in list filters: out of range or not whole, a list shows the filter's error, never a 500."""

import importlib

import django_filters
import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.filters import AmountFilter, FilterSet, IdChoiceFilter, IdFilter

# (list page, its filters that take an id or a number)
ID_FILTERS = [
    ("hotspots:list", "cycle"),
    ("analysis:list", "cycle"),
    ("design:list", "cycle"),
    ("samples:list", "cycle"),
    ("production:list", "cycle"),
    ("production:list", "factory"),
    ("production:pre_orders", "cycle"),
    ("production:pre_orders", "concept"),
    ("promotion:list", "cycle"),
    ("promotion:compare", "cycle"),
    ("customers:list", "cycle"),
    ("customers:orders", "cycle"),
    ("customers:orders", "customer"),
    ("customers:products", "concept"),
    ("customers:reviews", "product"),
    ("customers:reviews", "concept"),
    ("portraits:list", "cycle"),
]
BAD_VALUES = ["99999999999999999999", "9223372036854775808", "-99999999999999999999", "1.5", "1e400", "0x10"]


@pytest.mark.parametrize(("name", "param"), ID_FILTERS, ids=[f"{n}?{p}" for n, p in ID_FILTERS])
@pytest.mark.parametrize("value", BAD_VALUES)
def test_an_id_no_column_holds_is_a_filter_error(staff_client, loop, name, param, value):
    response = staff_client.get(reverse(name), {param: value})
    assert response.status_code == 200
    assert response.context["filter"].errors[param]
    html = response.content.decode()
    assert "filter-errors" in html and f"<code>{param}</code>" in html
    assert list(response.context["object_list"]) == []


@pytest.mark.parametrize(("name", "param"), ID_FILTERS, ids=[f"{n}?{p}" for n, p in ID_FILTERS])
def test_the_largest_id_finds_nothing(staff_client, loop, name, param):
    response = staff_client.get(reverse(name), {param: str(2**63 - 1)})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    # A number finds no row; a choice of record says no such record.
    errors = response.context["filter"].errors.get(param, [])
    assert errors == [] or "valid choice" in errors[0]


def test_a_good_id_still_filters(staff_client, loop):
    response = staff_client.get(reverse("customers:orders"), {"customer": loop.customer.pk})
    assert [o.pk for o in response.context["object_list"]] == [loop.order.pk]
    response = staff_client.get(reverse("production:list"), {"factory": loop.factory.pk, "cycle": 1})
    assert [o.pk for o in response.context["object_list"]] == [loop.production_order.pk]


# (list page, its filters that take an amount of money)
AMOUNT_FILTERS = [("customers:list", "spend_min"), ("customers:list", "spend_max")]
BAD_AMOUNTS = ["1e400", "999999999999999999", "0.001", "-1", "NaN", "Infinity", "12,50"]


@pytest.mark.parametrize(("name", "param"), AMOUNT_FILTERS, ids=[f"{n}?{p}" for n, p in AMOUNT_FILTERS])
@pytest.mark.parametrize("value", BAD_AMOUNTS)
def test_an_amount_no_money_column_holds_is_a_filter_error(staff_client, loop, name, param, value):
    response = staff_client.get(reverse(name), {param: value})
    assert response.status_code == 200
    assert response.context["filter"].errors[param]
    assert f"<code>{param}</code>" in response.content.decode()
    assert list(response.context["object_list"]) == []


def test_a_good_amount_still_filters(staff_client, loop):
    type(loop.customer).objects.filter(pk=loop.customer.pk).update(net_spend_base="42.50")

    def listed(**query):
        return [c.pk for c in staff_client.get(reverse("customers:list"), query).context["object_list"]]

    assert loop.customer.pk in listed(spend_min="42.50", spend_max="42.5")
    assert loop.customer.pk not in listed(spend_min="42.51")
    assert loop.customer.pk not in listed(spend_max="42")


def test_every_list_page_amount_filter_is_tested_above():
    found = {
        (name, param)
        for name, filterset, answers_get in _list_views()
        if answers_get
        for param, f in filterset.base_filters.items()
        if isinstance(f, AmountFilter)
    }
    assert found == set(AMOUNT_FILTERS)


def _list_views():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                if view is not None and getattr(view, "filterset_class", None) is not None:
                    yield f"{namespace}:{pattern.name}", view.filterset_class, "get" in view.http_method_names

    return list(walk(get_resolver().url_patterns))


def test_every_list_page_id_filter_is_tested_above():
    found = {
        (name, param)
        for name, filterset, answers_get in _list_views()
        if answers_get
        for param, f in filterset.base_filters.items()
        if isinstance(f, (django_filters.NumberFilter, django_filters.ModelChoiceFilter))
    }
    assert found == set(ID_FILTERS)


@pytest.mark.parametrize("name", ["production:pre_orders_import", "production:pre_order_create"])
def test_a_form_posted_from_a_filtered_list_keeps_the_filter_error(staff_client, loop, name):
    """These pages answer a refused form with the list, filtered by the page's query string."""
    url = f"{reverse(name)}?cycle=99999999999999999999&concept=99999999999999999999"
    response = staff_client.post(url, {})
    assert response.status_code in (200, 400)
    assert set(response.context["filter"].errors) == {"cycle", "concept"}


def test_posting_only_pages_are_the_ones_expected():
    posting = {name for name, _, answers_get in _list_views() if not answers_get}
    assert posting == {"production:pre_orders_import", "production:pre_order_create"}


def _filtersets():
    for config in apps.get_app_configs():
        if not config.path.startswith(str(apps.get_app_config("core").path.rsplit("/", 1)[0])):
            continue  # the project's apps only
        try:
            importlib.import_module(f"{config.name}.filters")
        except ModuleNotFoundError:
            pass

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [cls for cls in subclasses(django_filters.FilterSet) if not cls.__module__.startswith("django_filters")]


def test_every_filterset_bounds_its_ids():
    filtersets = _filtersets()
    assert len(filtersets) >= 10
    for filterset in filtersets:
        if filterset.__module__.startswith("rest_framework") or filterset is FilterSet:
            continue
        assert issubclass(filterset, FilterSet), f"{filterset.__module__}.{filterset.__name__} is not a core FilterSet"
        for param, f in filterset.base_filters.items():
            if isinstance(f, django_filters.NumberFilter):
                assert isinstance(f, IdFilter), f"{filterset.__name__}.{param} takes any number"

            if isinstance(f, django_filters.ModelChoiceFilter):
                assert isinstance(f, IdChoiceFilter), f"{filterset.__name__}.{param} looks up any id"
