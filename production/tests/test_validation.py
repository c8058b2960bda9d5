"""The rules of the data live on the models: every writer (services, admin) meets them through full_clean."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from production import services
from production.models import Factory, ProductionOrder
from production.validators import MAX_COUNT, categories_clean, price_list_clean

from .factories import ProductionOrderFactory

pytestmark = pytest.mark.django_db


def errors_of(instance, **kwargs) -> dict:
    with pytest.raises(ValidationError) as raised:
        instance.full_clean(**kwargs)
    return raised.value.message_dict


def test_a_factory_is_stored_in_one_spelling():
    factory = Factory(name="Loom", categories=[" throw", "Throw ", "blanket"], price_list={" throw ": 7.2, "blanket": "11"})
    factory.full_clean()
    assert factory.categories == ["throw", "blanket"]
    assert factory.price_list == {"throw": "7.20", "blanket": "11.00"}


@pytest.mark.parametrize(
    ("fields", "field", "gist"),
    [
        ({"name": "Mill\u202eA"}, "name", "control characters"),
        ({"name": "Mill\tA"}, "name", "control characters"),
        ({"name": ""}, "name", "A factory needs a name."),
        ({"deposit_percent": 101}, "deposit_percent", "Must be a whole percent from 0 to 100, got 101."),
        ({"deposit_percent": -1}, "deposit_percent", "Must be a whole percent from 0 to 100, got -1."),
        ({"min_batch": MAX_COUNT + 1}, "min_batch", f"less than or equal to {MAX_COUNT}"),
        ({"categories": ""}, "categories", "Must be a list of category names, got str."),
        ({"categories": ["blanket", 3]}, "categories", "Category 2 (3)"),
        ({"categories": [f"c{i}" for i in range(101)]}, "categories", "At most 100 categories, got 101."),
        ({"price_list": ["blanket", "3"]}, "price_list", "Must map categories to unit prices, got list."),
        ({"price_list": {"blanket": "1e400"}}, "price_list", "blanket: the unit price must be at most 99999999.99"),
        ({"price_list": {"blanket": "2", "Blanket": "3"}}, "price_list", "Blanket: listed twice."),
        ({"price_list": {"blanket": Decimal("NaN")}}, "price_list", "blanket: Decimal('NaN') is not an amount."),
    ],
)
def test_a_bad_profile_is_refused_by_the_model_naming_the_field(fields, field, gist):
    errors = errors_of(Factory(**({"name": "Loom"} | fields)), validate_unique=False)
    assert list(errors) == [field]
    assert any(gist in message for message in errors[field]), errors


def test_every_bad_price_is_listed_at_once():
    with pytest.raises(ValidationError) as raised:
        price_list_clean({"a": "0", "b": "abc", "c": "1.005", "": "2"})
    assert raised.value.messages == [
        "a: the unit price must be more than 0, got '0'.",
        "b: 'abc' is not an amount.",
        "c: at most two decimal places, got '1.005'.",
        "'': a price needs a category name of at most 80 characters.",
    ]
    assert categories_clean(None) == [] and price_list_clean(None) == {}


@pytest.mark.parametrize("value", [True, 2.5, "10", None])
def test_a_count_must_come_as_a_whole_number(value):
    with pytest.raises(ValidationError) as raised:
        services.factory_create(name="Loom", lead_time_days=value)
    assert raised.value.message_dict == {"lead_time_days": [f"Must be a whole number, got {value!r}."]}
    assert not Factory.objects.exists()


def test_an_order_is_refused_by_the_model_naming_each_bad_field():
    order = ProductionOrderFactory.build(
        unit_price=Decimal("-1"), incoterm="XYZ", aql_minor="9.9", packaging_instructions="x" * 2001
    )
    errors = errors_of(order, exclude=["cycle", "factory", "sample", "sizing_round"], validate_unique=False)
    assert set(errors) == {"unit_price", "incoterm", "aql_minor", "packaging_instructions"}
    assert "at most 2000 characters" in errors["packaging_instructions"][0]


def test_the_order_service_names_the_model_field():
    order = ProductionOrderFactory()
    variant = order.sample.concept.variants.create(sku="SKU-X", colour="grey")
    with pytest.raises(ValidationError) as raised:
        services.production_order_create(
            cycle=order.cycle, factory=order.factory, sample=order.sample,
            lines=[{"variant_id": variant.pk, "market": "US", "quantity": 5}], unit_price="1", sizing={}, actor="m",
            another_batch=True, incoterm="FOB ", aql_major="2", labelling_instructions="y" * 2001,
        )
    assert set(raised.value.message_dict) == {"incoterm", "aql_major", "labelling_instructions"}
    assert ProductionOrder.objects.count() == 1
