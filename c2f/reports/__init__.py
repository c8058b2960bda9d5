"""Each cycle measured: the cycle report and its snapshot, cycle against cycle, the daily reorder-or-stop check.

- ``cycle_report_build(cycle=, today=)`` -> the report's data; ``cycle_report_refresh(cycle_id=)`` stores it;
- ``cycles_compare(a=, b=)``, ``cycles_trend(reports=)`` from stored reports;
- ``reorder_check_run(today=)`` judges every received order's reorder rule on the shop's sales.
"""

from .build import REPORT_VERSION, cycle_report_build, report_currency
from .compare import MEASURES, cycle_reports_stored, cycles_compare, cycles_trend, measure
from .reorder_check import reorder_check_run
from .store import cycle_report_refresh, cycle_reports_refresh

__all__ = [
    "MEASURES", "REPORT_VERSION", "cycle_report_build", "cycle_report_refresh", "cycle_reports_refresh",
    "cycle_reports_stored", "cycles_compare", "cycles_trend", "measure", "reorder_check_run", "report_currency",
]
