"""The rules a value of an order export must meet, whichever shop wrote it. Pure: no Django.

Each check returns the clean value, or records a ``FileProblem`` (file, line, column, reason) and marks
the order it belongs to as rejected, returning None. Keys that could never rightly start like a
spreadsheet formula (order id, customer id, email, SKU) are refused when they do; free text (a name,
a product title or category) is kept as written behind a leading ``'``.
"""

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from core.files import FORMULA_START, Problems
from core.files.shopify_orders import parse_datetime

from .records import ParsedOrders

MAX_QUANTITY = 100_000
MAX_AMOUNT = Decimal("99999999.99")
MAX_LENGTHS = {"order": 80, "customer": 80, "sku": 64, "title": 200, "category": 80, "email": 254, "name": 120}
CENT = Decimal("0.01")
_MONEY_NOISE = str.maketrans("", "", "$€£¥₹\u00a0 ")
FORMULA_FIRST = frozenset(FORMULA_START)
# Amounts repeat (0.00, 5.00, a product's price): each text is read once.
AMOUNTS: dict[str, Decimal] = {}
AMOUNTS_MAX = 100_000
EMAILS: set[str] = set()
_YES = {"yes", "true", "1", "y", "subscribed", "ja", "oui", "sí", "si"}
_NO = {"no", "false", "0", "n", "not_subscribed", "unsubscribed", "nein", "non"}


class Checks:
    """Checks values into records, collecting problems for one file."""

    def __init__(self, problems: Problems, parsed: ParsedOrders):
        self.problems = problems
        self.parsed = parsed

    def problem(self, line: int | None, column: str | None, reason: str, order_id: str = "") -> None:
        if order_id:
            self.parsed.rejected.add(order_id)
        self.problems.add(line, column, reason)

    def amount(
        self, value: str, line: int, column: str, order_id: str, *, decimal_comma: bool = False, signed: bool = False,
    ) -> Decimal | None:
        """A non-negative amount, to the cent; ``signed`` reads ``-3.00`` (a discount some shops write negative) as 3.00."""
        plain = not decimal_comma and not signed
        if plain:
            known = AMOUNTS.get(value)
            if known is not None:
                return known
        text = value if value[:1].isdigit() and value[-1:].isdigit() else value.translate(_MONEY_NOISE)
        if decimal_comma:
            text = text.replace(".", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            self.problem(line, column, f"{value[:40]!r} is not an amount", order_id)
            return None
        if signed:
            amount = abs(amount)
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            self.problem(line, column, f"{value[:40]!r} is not an amount between 0 and {MAX_AMOUNT}", order_id)
            return None
        amount = amount.quantize(CENT)
        if plain:
            if len(AMOUNTS) >= AMOUNTS_MAX:
                AMOUNTS.clear()
            AMOUNTS[value] = amount
        return amount

    def key(self, value: str, kind: str, line: int, column: str, order_id: str = "") -> str | None:
        """A value that identifies something (order, customer, SKU): limited in length, never formula-like."""
        if len(value) > MAX_LENGTHS[kind]:
            self.problem(line, column, f"longer than {MAX_LENGTHS[kind]} characters", order_id)
            return None
        if value[:1] in FORMULA_FIRST:
            self.problem(line, column, f"{value[:40]!r} looks like a spreadsheet formula", order_id)
            return None
        return value

    def email(self, value: str, line: int, column: str, order_id: str) -> str | None:
        address = value.lower()
        if address in EMAILS:
            return address
        local, at, domain = address.partition("@")
        if not (local and at and "." in domain.strip(".") and "@" not in domain) or any(c.isspace() for c in address):
            self.problem(line, column, f"{address[:60]!r} is not an email address", order_id)
            return None
        if self.key(address, "email", line, column, order_id) is None:
            return None
        if len(EMAILS) >= AMOUNTS_MAX:
            EMAILS.clear()
        EMAILS.add(address)
        return address

    def text(self, value: str, kind: str) -> str:
        """Free text: kept as written, defused, cut to its field's length."""
        if value[:1] in FORMULA_FIRST:
            value = f"'{value}"
        return value[: MAX_LENGTHS[kind]]

    def moment(self, value: str, line: int, column: str, order_id: str, date_format: str = "iso") -> datetime | None:
        try:
            if date_format == "iso":
                return parse_datetime(value)
            parsed = datetime.strptime(value.split(" ")[0] if " " in value and ":" not in value else value, date_format)
            return parsed.replace(tzinfo=timezone.utc)
        except ValueError:
            self.problem(line, column, f"{value[:40]!r} is not a date and time", order_id)
            return None

    def currency(self, value: str, line: int, column: str, order_id: str) -> str | None:
        code = value.upper()
        if not (len(code) == 3 and code.isascii() and code.isalpha()):
            self.problem(line, column, f"{value[:20]!r} is not a three-letter currency code", order_id)
            return None
        return code

    def country(self, value: str, line: int, column: str, order_id: str) -> str | None:
        code = value.upper()
        if not (len(code) == 2 and code.isascii() and code.isalpha()):
            self.problem(line, column, f"{value[:20]!r} is not a two-letter country code", order_id)
            return None
        return code

    def quantity(self, value: str, line: int, column: str, order_id: str) -> int | None:
        """A whole number from 0 to MAX_QUANTITY (0: a line item with nothing on it, which the caller leaves out)."""
        text = value[:-2] if value.endswith(".0") else value
        if not text.isdigit() or int(text) > MAX_QUANTITY:
            self.problem(line, column, f"{value[:20]!r} is not a quantity from 1 to {MAX_QUANTITY}", order_id)
            return None
        return int(text)

    def flag(self, value: str) -> bool | None:
        """``yes``/``no`` and their kin; None when empty or unknown."""
        lowered = value.strip().casefold()
        if lowered in _YES:
            return True
        if lowered in _NO:
            return False
        return None
