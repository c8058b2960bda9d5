"""What every list's FilterSet shares: ids and numbers from a query string are bounded before
they reach the database.

django-filter's NumberFilter takes any decimal; an integer beyond 64 bits then made SQLite
raise (a server error) instead of finding nothing. Here an id or number is a whole number the
database can hold, or the filter reports an error that the list shows above its rows.
"""

import datetime

import django_filters
from django import forms
from django.db import models
from django_filters import fields as filter_fields
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from core.days import day_start

# The widest integer column here (PostgreSQL bigint, SQLite INTEGER) holds at most this.
MAX_ID = 2**63 - 1
MIN_INTEGER = -(2**63)


class IdField(forms.IntegerField):
    """A record's id or number: a whole number from 1 to MAX_ID."""

    def __init__(self, *, min_value=1, max_value=MAX_ID, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """An id or a number that names a record (a cycle's number, a customer's id)."""

    field_class = IdField

    def get_max_validator(self):
        return None  # the field is bounded already


class IntegerFilter(IdFilter):
    """Any whole number a 64-bit column holds (a quantity, a count)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_INTEGER)
        super().__init__(*args, **kwargs)


class AmountField(forms.DecimalField):
    """An amount of money as a money column holds it: at most 14 digits, 2 after the point, not negative."""

    def __init__(self, *, max_digits=14, decimal_places=2, min_value=0, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, min_value=min_value, **kwargs)


class AmountFilter(django_filters.Filter):
    """A bound on an amount of money (spend at least, at most); anything a money column cannot hold is an error."""

    field_class = AmountField


class IdChoiceField(filter_fields.ModelChoiceField):
    """A record chosen by its id; an id no column can hold is refused before the lookup."""

    def _keyed_by_integer(self) -> bool:
        meta = self.queryset.model._meta
        key = meta.pk if self.to_field_name in (None, "pk") else meta.get_field(self.to_field_name)
        return isinstance(key, models.IntegerField)

    def to_python(self, value):
        if (
            value not in self.empty_values
            and not (self.null_label is not None and value == self.null_value)
            and self._keyed_by_integer()
        ):
            try:
                IdField().clean(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                ) from None
        return super().to_python(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


def _defaults():
    defaults = dict(FILTER_FOR_DBFIELD_DEFAULTS)
    for field in (models.AutoField, models.BigAutoField, models.SmallAutoField):
        defaults[field] = {"filter_class": IdFilter}
    for field in (
        models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
        models.PositiveIntegerField, models.PositiveBigIntegerField, models.PositiveSmallIntegerField,
    ):
        defaults[field] = {"filter_class": IntegerFilter}
    for field in (models.ForeignKey, models.OneToOneField, models.OneToOneRel):
        defaults[field] = {**defaults[field], "filter_class": IdChoiceFilter}
    return defaults


class FilterSet(django_filters.FilterSet):
    """The base of every FilterSet here: filters generated from ``Meta.fields`` are bounded too."""

    FILTER_DEFAULTS = _defaults()


class DayFilter(django_filters.DateFilter):
    """A day bound on a date-and-time column, compared on the column itself so its index serves (``__date``
    would compute every row's date first): from the day's start (``end=False``) or up to its end
    (``end=True``) on the current time zone's clock."""

    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        bound = day_start(value + datetime.timedelta(days=1) if self.end else value)
        return self.get_method(qs)(**{f"{self.field_name}__{'lt' if self.end else 'gte'}": bound})
