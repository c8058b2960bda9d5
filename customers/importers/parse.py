"""Shop order exports -> order records: the one entry point every format goes through. Pure: no Django.

Files are read by ``core.files`` (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab), Shopify
exports by its Shopify orders reader. A problem with the whole file (unreadable, a column missing, no
order in it) raises ``ImportRefused``; a problem with a row is a ``FileProblem`` in
``ParsedOrders.problems`` naming the file, line and column, and its order's id is in ``rejected``: the
caller refuses the file, or stores the other orders when asked to import the good rows.
"""

from core.files import DELIMITERS, FileProblem, Problems, TooManyProblems, read_csv

from .checks import Checks
from .columns import ReadOptions, read_columns, read_two_tables
from .layouts import FORMATS, LAYOUTS, PREFERRED_DELIMITER, SHOPIFY, normalise
from .mapping import MappingSpec
from .records import ImportRefused, ParsedOrders
from .shopify import read_shopify

MAX_FILE_BYTES = 50 * 1024 * 1024
# Problems reported before a file is given up: a refused file names its first ones; a file whose good
# rows are imported lists them all, up to this many.
MAX_PROBLEMS = 20
MAX_PROBLEMS_PARTIAL = 500


def _table(data: bytes | str, file: str, fmt: str, max_bytes: int):
    preferred = PREFERRED_DELIMITER.get(fmt, ",")
    delimiters = (preferred, *(d for d in DELIMITERS if d != preferred))
    return read_csv(data, file=file, max_bytes=max_bytes, delimiters=delimiters)


def _layout_for(fmt: str, header_names: set[str], file: str):
    for layout in LAYOUTS[fmt]:
        if layout.matches(header_names):
            return layout
    raise ImportRefused([FileProblem(
        file, 1, None, f"the header is not one of a {fmt} export's ({', '.join(l.kind for l in LAYOUTS[fmt])})"
    )])


def _header_names(table) -> set[str]:
    for row in table.rows():
        if any(row.cells):
            return {normalise(cell) for cell in row.cells}
    return set()


def _finish(parsed: ParsedOrders, file: str) -> ParsedOrders:
    if not parsed.orders and not parsed.problems:
        raise ImportRefused([FileProblem(file, 2, None, "no orders in the file")])
    return parsed


def parse_orders(
    data: bytes | str, file: str, fmt: str, *, mapping: MappingSpec | None = None, options: ReadOptions = ReadOptions(),
    partial: bool = False, max_bytes: int = MAX_FILE_BYTES,
) -> ParsedOrders:
    """Read one export of format ``fmt`` (one of ``FORMATS``), or of any format through ``mapping``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    problems = Problems(file, limit=MAX_PROBLEMS_PARTIAL if partial else MAX_PROBLEMS)
    parsed = ParsedOrders()
    checks = Checks(problems, parsed)
    try:
        table = _table(data, file, fmt, max_bytes)
        if mapping is not None:
            if mapping.two_tables:
                raise ImportRefused([FileProblem(file, None, None, f"mapping {mapping.name!r} reads an orders file with its items file")])
            options = ReadOptions(
                mapping.date_format, mapping.decimal_comma, options.currency or mapping.default_currency,
                options.market or mapping.default_market,
            )
            read_columns(table, mapping.order_layout(), checks, parsed, options)
        elif fmt == SHOPIFY:
            read_shopify(table, checks, parsed)
        else:
            read_columns(table, _layout_for(fmt, _header_names(table), file), checks, parsed, options)
    except FileProblem as problem:
        raise ImportRefused([problem]) from None
    except TooManyProblems:
        if partial:
            raise ImportRefused(list(problems)) from None
    parsed.problems = list(problems)
    return _finish(parsed, file)


def parse_order_tables(
    orders: tuple[str, bytes | str], items: tuple[str, bytes | str], *, mapping: MappingSpec,
    options: ReadOptions = ReadOptions(), partial: bool = False, max_bytes: int = MAX_FILE_BYTES,
) -> ParsedOrders:
    """An orders file and its items file, read through a two-file ``mapping`` and joined on the order id."""
    (orders_file, orders_data), (items_file, items_data) = orders, items
    limit = MAX_PROBLEMS_PARTIAL if partial else MAX_PROBLEMS
    order_problems, item_problems = Problems(orders_file, limit=limit), Problems(items_file, limit=limit)
    parsed = ParsedOrders()
    options = ReadOptions(mapping.date_format, mapping.decimal_comma, options.currency or mapping.default_currency,
                          options.market or mapping.default_market)
    try:
        read_two_tables(
            _table(orders_data, orders_file, "generic", max_bytes), _table(items_data, items_file, "generic", max_bytes),
            order_layout=mapping.order_layout(), item_layout=mapping.item_layout(),
            order_checks=Checks(order_problems, parsed), item_checks=Checks(item_problems, parsed),
            parsed=parsed, options=options,
        )
    except FileProblem as problem:
        raise ImportRefused([problem]) from None
    except TooManyProblems:
        if partial:
            raise ImportRefused([*order_problems, *item_problems]) from None
    parsed.problems = [*order_problems, *item_problems]
    return _finish(parsed, f"{orders_file} + {items_file}")


def header_of(data: bytes | str, file: str, *, max_bytes: int = MAX_FILE_BYTES) -> list[str]:
    """The header row of a file (the first row with a value), for telling an orders file from an items file."""
    table = _table(data, file, "generic", max_bytes)
    for row in table.rows():
        if any(row.cells):
            return row.cells
    return []


def preview(data: bytes | str, file: str, *, rows: int = 5, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[str], list[list[str]]]:
    """The header and the first ``rows`` rows of a file, as a person building a column mapping sees them."""
    table = _table(data, file, "generic", max_bytes)
    header: list[str] = []
    body: list[list[str]] = []
    for row in table.rows():
        if not any(row.cells):
            continue
        if not header:
            header = row.cells
            continue
        body.append(row.cells)
        if len(body) >= rows:
            break
    return header, body
