"""Numbers, money and dates on the buyer's pages and emails, in the language active while rendering."""

from django import template

from ..languages import buyer_date, buyer_datetime, buyer_money, buyer_number

register = template.Library()


@register.filter
def money(amount, currency):
    """{{ price|money:concept.currency }}"""
    return buyer_money(amount, currency)


@register.filter
def number(value):
    """{{ quantity|number }}"""
    return buyer_number(value)


@register.filter
def when(value):
    """{{ closes_at|when }}: date, time and time zone."""
    return buyer_datetime(value) if value else ""


@register.filter
def day(value):
    """{{ closes_at|day }}: the date alone."""
    return buyer_date(value) if value else ""
