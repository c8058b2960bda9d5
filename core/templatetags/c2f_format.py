"""The dashboard's formats, one set for every template: ``{% load c2f_format %}``.

``{{ order.total|money:order.currency }}``, ``{{ units|number }}``, ``{{ price|number:2 }}``,
``{{ share|percent }}``, ``{{ order.placed_at|when }}``, ``{{ due_date|day }}``; each prints "—"
for a missing value. See core.formats.
"""

from django import template
from django.utils.html import format_html

from core import formats

register = template.Library()


@register.filter
def money(amount, currency="USD"):
    return formats.money(amount, currency)


@register.filter
def number(value, digits=None):
    return formats.number(value, None if digits in (None, "") else int(digits))


@register.filter
def percent(share, digits=0):
    return formats.percent(share, int(digits))


@register.filter
def day(value):
    return formats.date(value)


@register.filter
def when(value):
    """The moment in the active time zone, in a ``<time>`` element carrying the exact instant."""
    if not value:
        return formats.MISSING
    return format_html('<time datetime="{}">{}</time>', formats.datetime_iso(value), formats.datetime_(value))


@register.simple_tag
def time_zone_name():
    return formats.time_zone_name()
