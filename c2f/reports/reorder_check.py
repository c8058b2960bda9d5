"""The daily reorder-or-stop check, composed above production (the rules) and customers (the sales)."""

import datetime

from django.utils import timezone

from customers.selectors import sales_of_variants
from production.selectors import variants_received
from production.services import RuleCheckReport, reorder_rules_check


def reorder_check_run(*, today: datetime.date | None = None) -> RuleCheckReport:
    """Hand production every sale up to ``today`` of the variants it received, and let it judge each rule."""
    today = today or timezone.localdate()
    variant_ids = variants_received()
    sales = sales_of_variants(variant_ids=variant_ids, until=today) if variant_ids else []
    return reorder_rules_check(sales=sales, today=today)
