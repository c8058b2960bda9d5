"""One set of formats for every page: money in its currency, numbers grouped, shares as percent, moments
in the active time zone, all in the active language's conventions, and "—" for what is missing."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils import timezone, translation

from core import formats


def test_money_takes_the_records_currency_and_the_users_locale():
    assert formats.money(Decimal("8990.82000000000"), "USD") == "$8,990.82"
    assert formats.money(12, "EUR") == "€12.00"
    assert formats.money(1500, "JPY") == "¥1,500"  # the currency's own decimals
    with translation.override("de"):
        assert formats.money(Decimal("8990.82"), "USD") == "8.990,82\xa0$"
    assert formats.money(None, "USD") == formats.money("", "USD") == "—"
    assert formats.money("not a number", "USD") == "—"


def test_numbers_and_shares():
    assert formats.number(1234567) == "1,234,567"
    assert formats.number(2.34567, 2) == "2.35"
    assert formats.number(1234.5, 0) == "1,234"
    assert formats.percent(0.4567) == "46%" and formats.percent(0.4567, 1) == "45.7%"
    assert formats.number(float("nan")) == formats.percent(None) == formats.number(True) == "—"


def test_moments_show_in_the_active_time_zone():
    moment = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.timezone.utc)
    assert formats.datetime_(moment) == "Nov 30, 2026, 11:30\u202fPM"
    with timezone.override("Asia/Tokyo"):
        assert formats.datetime_(moment) == "Dec 1, 2026, 8:30\u202fAM"
        assert formats.date(moment) == "Dec 1, 2026"
        assert formats.datetime_iso(moment) == "2026-12-01T08:30+09:00"
    assert formats.date(dt.date(2026, 1, 5)) == "Jan 5, 2026"
    assert formats.date(None) == "—"


def test_template_filters():
    html = Template(
        "{% load c2f_format %}{{ total|money:cur }} · {{ n|number }} · {{ share|percent }} · {{ at|when }} · {{ day|day }}"
    ).render(Context({
        "total": Decimal("98.5"), "cur": "GBP", "n": 12000, "share": 0.5,
        "at": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone.utc), "day": None,
    }))
    assert html == '£98.50 · 12,000 · 50% · <time datetime="2026-01-02T03:04+00:00">Jan 2, 2026, 3:04\u202fAM</time> · —'
