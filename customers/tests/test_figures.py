"""The monthly figures the charts draw: sales by month and market, cohorts and retention."""

import datetime
from decimal import Decimal

import pytest

from customers.charts import new_returning, retention
from customers.models import CohortMonth, SalesMonth
from customers.services import sales_figures_refresh

from .factories import CustomerFactory, OrderFactory, figures_refresh

pytestmark = pytest.mark.django_db


def _at(year, month, day=15):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.timezone.utc)


def test_sales_and_cohorts_per_month_count_sales_and_guests_and_leave_out_cancellations():
    ann, bob = CustomerFactory(country="US"), CustomerFactory(country="GB")
    OrderFactory(customer=ann, placed_at=_at(2025, 1), market="US", total=Decimal("40.00"))
    OrderFactory(customer=ann, placed_at=_at(2025, 3), market="US", total=Decimal("60.00"))
    OrderFactory(customer=bob, placed_at=_at(2025, 3), market="GB", total=Decimal("25.00"))
    OrderFactory(customer=None, placed_at=_at(2025, 3), market="GB", total=Decimal("10.00"))
    OrderFactory(customer=bob, placed_at=_at(2025, 4), market="GB", total=Decimal("99.00"), cancelled=True,
                 is_sale=False, gross=0, net=0, gross_base=0, net_base=0)
    figures_refresh(ann, bob)
    assert sales_figures_refresh() == {"months": 3, "cohorts": 3}
    assert list(SalesMonth.objects.values_list("month", "market", "orders", "guest_orders", "net_base")) == [
        (datetime.date(2025, 1, 1), "US", 1, 0, Decimal("40.00")),
        (datetime.date(2025, 3, 1), "GB", 2, 1, Decimal("35.00")),
        (datetime.date(2025, 3, 1), "US", 1, 0, Decimal("60.00")),
    ]
    rows = list(CohortMonth.objects.all())
    assert [(r.cohort, r.month, r.customers) for r in rows] == [
        (datetime.date(2025, 1, 1), datetime.date(2025, 1, 1), 1),
        (datetime.date(2025, 1, 1), datetime.date(2025, 3, 1), 1),
        (datetime.date(2025, 3, 1), datetime.date(2025, 3, 1), 1),
    ]
    assert new_returning(rows) == [(datetime.date(2025, 1, 1), 1, 0), (datetime.date(2025, 3, 1), 1, 1)]
    cohorts, matrix, sizes = retention(rows, horizon=3)
    assert sizes == [1, 1] and matrix[0] == [100.0, 0.0, 100.0, 0.0] and matrix[1][0] == 100.0
    sales_figures_refresh()
    assert SalesMonth.objects.count() == 3  # recomputed, not added to
