"""Revenue over time by market (net and gross), new against returning customers, monthly cohort retention."""

from django.conf import settings
from django.views.generic import TemplateView

from core.dashboard.access import MerchandiserRequiredMixin
from customers import charts, selectors


class SalesChartsView(MerchandiserRequiredMixin, TemplateView):
    """Drawn from the monthly figures the imports keep up to date: a few queries whatever the orders."""

    template_name = "customers/charts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sales = selectors.sales_by_month_and_market()
        cohorts = selectors.cohort_months()
        currency = settings.C2F_BASE_CURRENCY
        context["currency"] = currency
        context["without_rate"] = selectors.orders_without_rate()
        if sales:
            context["revenue_chart"] = charts.revenue_chart(sales, currency=currency)
            context["totals"] = {
                "net": sum(row.net_base for row in sales), "gross": sum(row.gross_base for row in sales),
                "orders": sum(row.orders for row in sales), "guest_orders": sum(row.guest_orders for row in sales),
            }
        if cohorts:
            context["new_returning_chart"] = charts.new_returning_chart(cohorts)
            context["retention_chart"] = charts.retention_chart(cohorts)
        return context
