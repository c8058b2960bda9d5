"""Saved column mappings for review CSVs of shops without a format of their own."""

from django.core.exceptions import ValidationError
from django.db import transaction

from customers.models import ReviewColumnMapping

_SCALES = {5, 10, 100}


def review_mapping_save(
    *, name: str, columns: dict[str, str], rating_scale: int = 5, mapping: ReviewColumnMapping | None = None,
) -> ReviewColumnMapping:
    """Create (or, given ``mapping``, change) a named mapping of fields to headers.

    ``columns`` maps fields of ``ReviewColumnMapping.FIELDS`` to header cells; the product, rating
    and date are needed, and no header may hold two fields. Refused with a ``ValidationError``
    naming the field.
    """
    name = (name or "").strip()
    unknown = sorted(set(columns) - set(ReviewColumnMapping.FIELDS))
    if unknown:
        raise ValidationError({"columns": f"Unknown field(s): {', '.join(unknown)}."})
    cleaned = {field: (columns.get(field) or "").strip() for field in ReviewColumnMapping.FIELDS}
    errors = {}
    if not name:
        errors["name"] = "Give the mapping a name."
    elif len(name) > 80:
        errors["name"] = "At most 80 characters."
    for field in ReviewColumnMapping.REQUIRED:
        if not cleaned[field]:
            errors[field] = "Choose the column that holds it."
    for field, header in cleaned.items():
        if len(header) > 120:
            errors[field] = "A header of at most 120 characters."
    seen: dict[str, str] = {}
    for field, header in cleaned.items():
        if header:
            if header.lower() in seen:
                errors[field] = f"Column {header!r} already holds {seen[header.lower()].replace('_', ' ')}."
            seen.setdefault(header.lower(), field)
    if rating_scale not in _SCALES:
        errors["rating_scale"] = "Ratings are on a 5, 10 or 100 point scale."
    taken = ReviewColumnMapping.objects.filter(name__iexact=name)
    if mapping is not None:
        taken = taken.exclude(pk=mapping.pk)
    if name and taken.exists():
        errors["name"] = f"A mapping named {name!r} exists; choose another name."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mapping = mapping or ReviewColumnMapping()
        mapping.name, mapping.rating_scale = name, rating_scale
        for field, header in cleaned.items():
            setattr(mapping, field, header)
        mapping.save()
    return mapping
