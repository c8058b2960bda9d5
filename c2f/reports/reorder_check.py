"""The daily reorder-or-stop check, composed above production (the rules) and customers (the sales)."""

import datetime

from django.utils import timezone

from customers.selectors import sales_units_by_variant_market_day
from production.selectors_reorders import sales_window_start
from production.services import RuleCheckReport, reorder_rules_check


def reorder_check_run(*, today: datetime.date | None = None) -> RuleCheckReport:
    """Hand production every sale since the oldest received batch's cycle opened, and let it judge each rule."""
    today = today or timezone.localdate()
    start = sales_window_start(today=today)
    sales = sales_units_by_variant_market_day(days=(today - start).days + 1, today=today) if start else []
    return reorder_rules_check(sales=sales, today=today)
