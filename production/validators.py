"""What link 5's records may hold: a factory's name on one line, its categories and price list, note lengths.

The models validate with these (``full_clean``); each refusal says which entry is wrong, and the
two ``*_clean`` functions return the one spelling that is stored.
"""

import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

CATEGORY_MAX_LENGTH = 80
MAX_CATEGORIES = 100
MAX_COUNT = 2_147_483_647  # the largest value a PositiveIntegerField holds on every database
MAX_UNIT_PRICE = Decimal("99999999.99")
MAX_NOTE_LENGTH = 2000  # a note, reason or instruction written on an order
_CENT = Decimal("0.01")
# Characters that reorder the text around them: a name holding one can read as another name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_one_line(value: str) -> None:
    if any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in value):
        raise ValidationError(
            "A name cannot hold line breaks, tabs or other control characters.", code="control_characters"
        )


def _category(value) -> str | None:
    """A category name stripped, or None when it is empty, too long or not text."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > CATEGORY_MAX_LENGTH:
        return None
    return value.strip()


def categories_clean(value) -> list[str]:
    """The category names stripped, each once (the first spelling wins, case ignored); None is no category."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ValidationError(f"Must be a list of category names, got {type(value).__name__}.", code="invalid")
    cleaned: dict[str, str] = {}
    for index, category in enumerate(value, start=1):
        name = _category(category)
        if name is None:
            raise ValidationError(
                f"Category {index} ({category!r}): each category must be a non-empty name of at most "
                f"{CATEGORY_MAX_LENGTH} characters.",
                code="invalid",
            )
        cleaned.setdefault(name.casefold(), name)
    if len(cleaned) > MAX_CATEGORIES:
        raise ValidationError(f"At most {MAX_CATEGORIES} categories, got {len(cleaned)}.", code="max_length")
    return list(cleaned.values())


def _unit_price(name: str, value) -> tuple[str | None, str | None]:
    """(price as "11.50", None) or (None, what is wrong with it)."""
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise InvalidOperation
        amount = Decimal(str(value).strip())
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        return None, f"{name}: {value!r} is not an amount."
    if amount <= 0:
        return None, f"{name}: the unit price must be more than 0, got {value!r}."
    if amount > MAX_UNIT_PRICE:
        return None, f"{name}: the unit price must be at most {MAX_UNIT_PRICE}, got {value!r}."
    if amount != amount.quantize(_CENT):
        return None, f"{name}: at most two decimal places, got {value!r}."
    return str(amount.quantize(_CENT)), None


def price_list_clean(value) -> dict[str, str]:
    """``{category: unit price}`` with each price a positive amount of at most two decimals, as "11.50"."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"Must map categories to unit prices, got {type(value).__name__}.", code="invalid")
    cleaned, seen, problems = {}, set(), []
    for category, amount in value.items():
        name = _category(category)
        if name is None:
            problems.append(
                f"{category!r}: a price needs a category name of at most {CATEGORY_MAX_LENGTH} characters."
            )
            continue
        if name.casefold() in seen:
            problems.append(f"{name}: listed twice.")
            continue
        seen.add(name.casefold())
        price, problem = _unit_price(name, amount)
        if problem:
            problems.append(problem)
        else:
            cleaned[name] = price
    if len(cleaned) > MAX_CATEGORIES:
        problems.append(f"At most {MAX_CATEGORIES} prices, got {len(cleaned)}.")
    if problems:
        raise ValidationError([ValidationError(p, code="invalid") for p in problems])
    return cleaned
