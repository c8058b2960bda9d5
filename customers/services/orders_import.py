"""Shop order exports into customers, orders and lines: one transaction per file (or per orders file and its
items file), reported per file and kept in an ``OrderImport`` row.

A file with a bad row stores nothing and its report names the file, line, column and reason; with
``partial=True`` the orders without a problem are stored and the others listed. Orders without an email
or customer id (draft, point-of-sale, guest checkout) are stored as guest orders. Importing the same
file again changes nothing; a newer export of the same orders updates their states and money.
"""

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.files import FileProblem, read_limited
from core.models import Cycle, TaskRun
from core.selectors import cycle_current
from customers.importers import (
    FORMATS, MAX_FILE_BYTES, ImportRefused, MappingSpec, ParsedOrders, ReadOptions, header_of, parse_order_tables,
    parse_orders,
)
from customers.importers.layouts import normalise
from customers.models import OrderColumnMapping, OrderImport

from .attribution import orders_attribution_soon
from .figures import sales_figures_refresh_soon
from .orders_store import orders_store
from .pre_orders import pre_orders_fulfil_for

GUESTS_SHOWN = 5


@dataclass
class OrdersImportReport:
    file: str
    format: str
    mapping: str = ""
    ok: bool = False
    partial: bool = False
    orders_new: int = 0
    orders_updated: int = 0
    orders_unchanged: int = 0
    orders_stale: int = 0
    rejected: int = 0
    lines: int = 0
    customers_new: int = 0
    products_new: int = 0
    pre_orders_fulfilled: int = 0
    guest_orders: int = 0
    guests: list[tuple[str, int]] = field(default_factory=list)  # (order id, line), the first few
    problems: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_rates: list[str] = field(default_factory=list)
    import_id: int | None = None

    @property
    def status(self) -> str:
        if not self.ok:
            return OrderImport.Status.FAILED
        return OrderImport.Status.PARTIAL if self.rejected else OrderImport.Status.OK

    @property
    def problem_messages(self) -> list[str]:
        return [problem["message"] for problem in self.problems]

    def __str__(self):
        if not self.ok:
            return f"{self.file}: refused, nothing stored — " + "; ".join(self.problem_messages)
        text = (
            f"{self.file}: {self.orders_new} new, {self.orders_updated} updated, {self.orders_unchanged} unchanged "
            f"orders ({self.lines} lines stored); {self.customers_new} new customers, {self.products_new} new products"
        )
        if self.guest_orders:
            shown = ", ".join(f"{order_id} (line {line})" for order_id, line in self.guests)
            more = f" and {self.guest_orders - len(self.guests)} more" if self.guest_orders > len(self.guests) else ""
            text += f"; {self.guest_orders} guest order(s) without an email or customer id: {shown}{more}"
        if self.rejected:
            text += f"; {self.rejected} order(s) with problems left out: " + "; ".join(self.problem_messages)
        if self.pre_orders_fulfilled:
            text += f"; {self.pre_orders_fulfilled} pre-order(s) fulfilled"
        if self.orders_stale:
            text += f"; {self.orders_stale} older than what is stored, left as they were"
        if self.missing_rates:
            text += (f"; no exchange rate for {', '.join(self.missing_rates)}: those orders are left out of "
                     "base-currency figures until a planning rate is set")
        return text


@contextmanager
def _collector_paused():
    """A file of a million rows makes millions of small objects and no reference cycle: the cyclic
    collector would walk the growing heap again and again (half the reading time), so it waits."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def mapping_spec(mapping: OrderColumnMapping) -> MappingSpec:
    return MappingSpec(
        name=mapping.name, platform=mapping.platform, columns=dict(mapping.columns),
        item_columns=dict(mapping.item_columns or {}), date_format=mapping.date_format,
        decimal_comma=mapping.decimal_comma, price_is_line_total=mapping.price_is_line_total,
        default_currency=mapping.default_currency, default_market=mapping.default_market,
        cancelled_values=mapping.cancelled_values, refunded_values=mapping.refunded_values,
        pending_values=mapping.pending_values,
    )


def _refused(report: OrdersImportReport, problems: list[FileProblem]) -> OrdersImportReport:
    fresh = OrdersImportReport(file=report.file, format=report.format, mapping=report.mapping, partial=report.partial)
    fresh.problems = [problem.as_dict() for problem in problems]
    return fresh


def _record(report: OrdersImportReport, task_run: TaskRun | None) -> OrdersImportReport:
    row = OrderImport.objects.create(
        task_run=task_run, filename=report.file[:255], format=report.format, mapping_name=report.mapping[:80],
        status=report.status, orders_new=report.orders_new, orders_updated=report.orders_updated,
        orders_unchanged=report.orders_unchanged, orders_rejected=report.rejected, guest_orders=report.guest_orders,
        lines=report.lines, customers_new=report.customers_new, products_new=report.products_new,
        pre_orders_fulfilled=report.pre_orders_fulfilled, problems=report.problems[:200],
        notes=(report.notes + ([str(report)] if report.ok else []))[:50],
    )
    report.import_id = row.pk
    return report


def _store(
    parsed: ParsedOrders, report: OrdersImportReport, *, platform: str, cycle: Cycle | None, actor: str,
) -> OrdersImportReport:
    if parsed.problems and not report.partial:
        return _refused(report, parsed.problems)
    good = parsed.good_orders()
    report.rejected = len(parsed.rejected)
    report.problems = [problem.as_dict() for problem in parsed.problems]
    guests = [order for order in good if order.is_guest]
    report.guest_orders = len(guests)
    report.guests = [(order.external_id, order.line) for order in guests[:GUESTS_SHOWN]]
    report.notes = parsed.notes[:20]
    started = timezone.now()
    with transaction.atomic():
        result = orders_store(records=good, platform=platform, cycle=cycle, file=report.file)
        report.pre_orders_fulfilled = pre_orders_fulfil_for(
            records=good, order_ids=result.order_ids, platform=platform, actor=actor,
        )
        if result.new or result.updated:
            sales_figures_refresh_soon()
            orders_attribution_soon(since=started)  # promotion credits the orders to the links that brought them
    report.orders_new, report.orders_updated, report.orders_unchanged = result.new, result.updated, result.unchanged
    report.orders_stale, report.lines = result.stale, result.lines
    report.customers_new, report.products_new = result.customers_new, result.products_new
    report.missing_rates = sorted(result.missing_rates)
    report.ok = True
    return report


def orders_import_data(
    *, fmt: str, filename: str, data: bytes, cycle: Cycle | None = None, mapping: OrderColumnMapping | None = None,
    partial: bool = False, currency: str = "", market: str = "", task_run: TaskRun | None = None,
    actor: str = "import", max_bytes: int = MAX_FILE_BYTES,
) -> OrdersImportReport:
    """Import one file's bytes; the report is also kept as an ``OrderImport``."""
    report = OrdersImportReport(file=filename, format=fmt, mapping=mapping.name if mapping else "", partial=partial)
    if fmt not in FORMATS:
        report.problems = [FileProblem(filename, None, None, f"unknown format {fmt!r}; one of {', '.join(FORMATS)}").as_dict()]
        return _record(report, task_run)
    spec = mapping_spec(mapping) if mapping is not None else None
    platform = spec.platform if spec is not None else fmt
    try:
        with _collector_paused():
            parsed = parse_orders(
                data, filename, fmt, mapping=spec, options=ReadOptions(currency=currency.upper(), market=market.upper()),
                partial=partial, max_bytes=max_bytes,
            )
            report = _store(parsed, report, platform=platform, cycle=cycle, actor=actor)
    except ImportRefused as exc:
        report = _refused(report, exc.problems)
    return _record(report, task_run)


def orders_import_tables(
    *, orders: tuple[str, bytes], items: tuple[str, bytes], mapping: OrderColumnMapping, cycle: Cycle | None = None,
    partial: bool = False, currency: str = "", market: str = "", task_run: TaskRun | None = None, actor: str = "import",
) -> OrdersImportReport:
    """Import an orders file and its items file through a two-file column mapping."""
    report = OrdersImportReport(file=f"{orders[0]} + {items[0]}", format="generic", mapping=mapping.name, partial=partial)
    spec = mapping_spec(mapping)
    try:
        parsed = parse_order_tables(
            orders, items, mapping=spec, options=ReadOptions(currency=currency.upper(), market=market.upper()),
            partial=partial,
        )
        report = _store(parsed, report, platform=spec.platform, cycle=cycle, actor=actor)
    except ImportRefused as exc:
        report = _refused(report, exc.problems)
    return _record(report, task_run)


def _read(path: Path) -> bytes | OrdersImportReport:
    try:
        return read_limited(path, max_bytes=MAX_FILE_BYTES, file=path.name)
    except FileProblem as problem:
        report = OrdersImportReport(file=path.name, format="")
        report.problems = [problem.as_dict()]
        return report
    except OSError as exc:
        report = OrdersImportReport(file=path.name, format="")
        report.problems = [FileProblem(path.name, None, None, f"cannot read the file: {exc.strerror or exc}").as_dict()]
        return report


def pair_tables(files: list[tuple[str, bytes]], mapping: OrderColumnMapping) -> tuple[list[tuple], list[OrdersImportReport]]:
    """Tell a two-file mapping's orders files from its items files by their headers and pair them in the order
    given; a file that is neither, or left without a partner, gets a refusal."""
    order_mark = normalise(mapping.columns.get("placed_at", ""))
    item_mark = normalise(mapping.item_columns.get("quantity", ""))
    orders, items, refused = [], [], []
    for name, data in files:
        try:
            names = {normalise(cell) for cell in header_of(data, name)}
        except FileProblem as problem:
            refused.append(_refused(OrdersImportReport(file=name, format="generic", mapping=mapping.name), [problem]))
            continue
        if order_mark in names:
            orders.append((name, data))
        elif item_mark in names:
            items.append((name, data))
        else:
            refused.append(_refused(OrdersImportReport(file=name, format="generic", mapping=mapping.name), [FileProblem(
                name, 1, None,
                f"neither an orders file (no column {mapping.columns.get('placed_at')!r}) nor an items file "
                f"(no column {mapping.item_columns.get('quantity')!r}) of mapping {mapping.name!r}",
            )]))
    pairs = list(zip(orders, items))
    for name, _data in orders[len(pairs):] + items[len(pairs):]:
        refused.append(_refused(OrdersImportReport(file=name, format="generic", mapping=mapping.name), [FileProblem(
            name, None, None, "mapping reads an orders file with its items file; upload them together",
        )]))
    return pairs, refused


def orders_import_many(
    *, fmt: str, files: list[tuple[str, bytes]], cycle: Cycle | None = None, mapping: OrderColumnMapping | None = None,
    partial: bool = False, currency: str = "", market: str = "", task_run: TaskRun | None = None,
    actor: str = "import", progress=None,
) -> list[OrdersImportReport]:
    """Import several files, one report each (a two-file mapping pairs orders and items files)."""
    options = {"cycle": cycle, "mapping": mapping, "partial": partial, "currency": currency, "market": market,
               "task_run": task_run, "actor": actor}
    reports: list[OrdersImportReport] = []
    if mapping is not None and mapping.is_two_tables:
        pairs, refused = pair_tables(files, mapping)
        reports.extend(_record(report, task_run) for report in refused)
        units = [("pair", pair) for pair in pairs]
    else:
        units = [("file", one) for one in files]
    for done, (kind, unit) in enumerate(units, start=1):
        if kind == "pair":
            reports.append(orders_import_tables(orders=unit[0], items=unit[1], **options))
        else:
            reports.append(orders_import_data(fmt=fmt, filename=unit[0], data=unit[1], **options))
        if progress:
            progress(done, len(units))
    return reports


def orders_import(
    *, fmt: str, paths, cycle: Cycle | None = None, mapping: OrderColumnMapping | None = None, partial: bool = False,
    currency: str = "", market: str = "", actor: str = "import_orders",
) -> list[OrdersImportReport]:
    """Import files from disk (``manage.py import_orders``). New orders join ``cycle`` (default: the newest)."""
    cycle = cycle if cycle is not None else cycle_current()
    files, unreadable = [], []
    for path in map(Path, paths):
        data = _read(path)
        if isinstance(data, OrdersImportReport):
            data.format = fmt
            unreadable.append(_record(data, None))
        else:
            files.append((path.name, data))
    return unreadable + orders_import_many(
        fmt=fmt, files=files, cycle=cycle, mapping=mapping, partial=partial, currency=currency, market=market, actor=actor,
    )


def orders_import_file(*, fmt: str, path, cycle: Cycle | None = None, **options) -> OrdersImportReport:
    """One file from disk."""
    [report] = orders_import(fmt=fmt, paths=[path], cycle=cycle, **options)
    return report
