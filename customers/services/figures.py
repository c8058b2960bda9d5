"""Monthly sales and cohort figures the charts draw, recomputed set-wise from the orders.

Two statements each way: the month × market sums of the sales (guest orders counted, cancelled and
voided ones not) and, per cohort (the month of a customer's first sale), how many of its customers
bought in each month. Months are calendar months in UTC.
"""

import datetime

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth

from customers.models import CohortMonth, Order, SalesMonth

QUEUED_KEY = "customers:sales-figures:queued"
UTC = datetime.timezone.utc


def sales_figures_refresh() -> dict:
    """Recompute ``SalesMonth`` and ``CohortMonth``; returns their row counts."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two refreshes at once would insert the same months: the second waits for the first.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE customers_salesmonth, customers_cohortmonth IN EXCLUSIVE MODE")
        SalesMonth.objects.all().delete()
        CohortMonth.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO customers_salesmonth (month, market, orders, guest_orders, gross_base, net_base)
                    SELECT (date_trunc('month', placed_at AT TIME ZONE 'UTC'))::date, market, count(*),
                           count(*) FILTER (WHERE customer_id IS NULL), coalesce(sum(gross_base), 0),
                           coalesce(sum(net_base), 0)
                    FROM customers_order WHERE is_sale GROUP BY 1, 2
                    """
                )
                cursor.execute(
                    """
                    INSERT INTO customers_cohortmonth (cohort, month, customers)
                    SELECT (date_trunc('month', c.first_order_at AT TIME ZONE 'UTC'))::date,
                           (date_trunc('month', o.placed_at AT TIME ZONE 'UTC'))::date, count(DISTINCT o.customer_id)
                    FROM customers_order o JOIN customers_customer c ON c.id = o.customer_id
                    WHERE o.is_sale AND c.first_order_at IS NOT NULL GROUP BY 1, 2
                    """
                )
        else:
            sales = (
                Order.objects.filter(is_sale=True)
                .annotate(m=TruncMonth("placed_at", output_field=DateField(), tzinfo=UTC))
                .values("m", "market")
                .annotate(n=Count("pk"), guests=Count("pk", filter=Q(customer__isnull=True)),
                          gross=Sum("gross_base"), net=Sum("net_base"))
                .order_by()
            )
            SalesMonth.objects.bulk_create(
                SalesMonth(month=r["m"], market=r["market"], orders=r["n"], guest_orders=r["guests"],
                           gross_base=r["gross"] or 0, net_base=r["net"] or 0)
                for r in sales
            )
            cohorts = (
                Order.objects.filter(is_sale=True, customer__isnull=False, customer__first_order_at__isnull=False)
                .annotate(m=TruncMonth("placed_at", output_field=DateField(), tzinfo=UTC),
                          cohort=TruncMonth("customer__first_order_at", output_field=DateField(), tzinfo=UTC))
                .values("cohort", "m")
                .annotate(n=Count("customer", distinct=True))
                .order_by()
            )
            CohortMonth.objects.bulk_create(CohortMonth(cohort=r["cohort"], month=r["m"], customers=r["n"]) for r in cohorts)
    return {"months": SalesMonth.objects.count(), "cohorts": CohortMonth.objects.count()}


def sales_figures_refresh_soon() -> None:
    """Ask for a refresh once the current transaction commits; requests within a minute share one run."""
    from customers.tasks import refresh_sales_figures

    if cache.add(QUEUED_KEY, 1, 60):
        refresh_sales_figures.delay_on_commit()
