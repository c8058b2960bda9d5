"""Days on the seller's clock (``TIME_ZONE``) as bounds on date-and-time columns.

Comparing a timestamp column with a day's bounds lets its index pick the rows; ``__date`` lookups compute
every row's date first.
"""

import datetime

from django.utils import timezone


def day_start(day: datetime.date) -> datetime.datetime:
    """The moment ``day`` begins on the current time zone's clock; a day runs up to the next one's start."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
