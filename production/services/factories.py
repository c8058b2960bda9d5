"""Partner factories: creating one with its first API key, changing its profile.

What a profile may hold is the model's to say (``Factory.full_clean``: field validators and
``Factory.clean``); these services add what needs the other rows (a name unique ignoring case).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import Factory
from .api_keys import factory_api_key_create

PROFILE_FIELDS = (
    "name", "categories", "min_batch", "lead_time_days", "weekly_capacity", "deposit_percent", "price_list",
)
COUNT_FIELDS = ("min_batch", "lead_time_days", "weekly_capacity", "deposit_percent")


def _name_taken(name: str) -> ValidationError:
    return ValidationError({"name": [f"A factory named {name!r} already exists."]})


def _factory_validate(factory: Factory) -> None:
    """Every field of the profile checked at once: one ValidationError names each bad field.

    Model validation would read True as 1 and 2.5 as 2, so a count must come as a whole number.
    """
    errors = {
        field: [f"Must be a whole number, got {value!r}."]
        for field in COUNT_FIELDS
        if isinstance(value := getattr(factory, field), bool) or not isinstance(value, int)
    }
    if isinstance(factory.name, str):
        factory.name = factory.name.strip()
    # The two lists may come holding Decimals, not yet JSON: Factory.clean checks them and stores their JSON form.
    exclude = [*errors, "categories", "price_list"]
    try:
        factory.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    others = Factory.objects.filter(name__iexact=factory.name)
    if factory.pk is not None:
        others = others.exclude(pk=factory.pk)
    if others.exists():
        raise _name_taken(factory.name)


def factory_create(
    *,
    name: str,
    categories: list[str] | None = None,
    min_batch: int = 100,
    lead_time_days: int = 21,
    weekly_capacity: int = 1000,
    deposit_percent: int = 30,
    price_list: dict | None = None,
    is_demo: bool = False,
) -> tuple[Factory, str]:
    """Create a factory with its first API key; the raw key is returned once and never stored.

    ``price_list`` maps a category to the unit price the factory quotes for it (positive, at most
    two decimals); it is stored as ``{category: "11.50"}``.
    """
    factory = Factory(
        name=name, categories=categories, min_batch=min_batch, lead_time_days=lead_time_days,
        weekly_capacity=weekly_capacity, deposit_percent=deposit_percent, price_list=price_list, is_demo=is_demo,
    )
    with transaction.atomic():
        _factory_validate(factory)
        try:
            with transaction.atomic():
                factory.save()
        except IntegrityError as exc:  # created by a concurrent request since the check
            raise _name_taken(factory.name) from exc
        raw_key = factory_api_key_create(factory=factory, name="first key")
    return factory, raw_key


def factory_update(
    *,
    factory: Factory,
    name: str | None = None,
    categories: list[str] | None = None,
    min_batch: int | None = None,
    lead_time_days: int | None = None,
    weekly_capacity: int | None = None,
    deposit_percent: int | None = None,
    price_list: dict | None = None,
) -> Factory:
    """Change a factory's profile; an argument left at None keeps its value (``[]`` / ``{}`` clear a list).

    The name must stay unique among the other factories, ignoring case. Nothing is written unless
    every field is valid.
    """
    given = {
        "name": name, "categories": categories, "min_batch": min_batch, "lead_time_days": lead_time_days,
        "weekly_capacity": weekly_capacity, "deposit_percent": deposit_percent, "price_list": price_list,
    }
    with transaction.atomic():
        locked = Factory.objects.select_for_update().get(pk=factory.pk)
        before = {field: getattr(locked, field) for field in PROFILE_FIELDS}
        for field, value in given.items():
            if value is not None:
                setattr(locked, field, value)
        _factory_validate(locked)
        changed = [field for field in PROFILE_FIELDS if getattr(locked, field) != before[field]]
        if changed:
            try:
                with transaction.atomic():
                    locked.save(update_fields=changed)
            except IntegrityError as exc:
                raise _name_taken(locked.name) from exc
    for field in PROFILE_FIELDS:
        setattr(factory, field, getattr(locked, field))
    return factory
