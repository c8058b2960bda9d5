"""What every shop export becomes: plain order and line records, whichever shop wrote the file. No Django."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from core.files import FileProblem

ZERO = Decimal("0.00")

# Financial states, as Shopify names them; every other shop's states are told in these words.
PENDING = "pending"
AUTHORIZED = "authorized"
PARTIALLY_PAID = "partially_paid"
PAID = "paid"
PARTIALLY_REFUNDED = "partially_refunded"
REFUNDED = "refunded"
VOIDED = "voided"
EXPIRED = "expired"
FINANCIAL_STATES = (PENDING, AUTHORIZED, PARTIALLY_PAID, PAID, PARTIALLY_REFUNDED, REFUNDED, VOIDED, EXPIRED)

UNFULFILLED = "unfulfilled"
PARTIAL = "partial"
FULFILLED = "fulfilled"
RESTOCKED = "restocked"
FULFILLMENT_STATES = (UNFULFILLED, PARTIAL, FULFILLED, RESTOCKED)


class ImportRefused(Exception):
    """The file cannot be imported at all (unreadable, wrong header, nothing in it)."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(slots=True)
class LineRecord:
    line: int
    sku: str
    title: str
    quantity: int
    unit_price: Decimal
    discount: Decimal = ZERO
    category: str = ""
    attributes: tuple[str, ...] = ()


@dataclass(slots=True)
class OrderRecord:
    """One order as read. ``customer_key`` is the customer's id at the shop, else their email; empty for a
    guest order (draft, point of sale, guest checkout). ``landing_url`` and ``referring_site`` are where the
    shopper came from, reduced to what attribution needs. Money is in ``currency``; ``None`` where the file
    does not say (``subtotal``, ``total``: computed from the lines)."""

    line: int
    external_id: str
    placed_at: datetime
    currency: str
    customer_key: str = ""
    email: str = ""
    name: str = ""
    accepts_marketing: bool | None = None
    market: str = ""
    financial_status: str = ""
    fulfillment_status: str = ""
    cancelled: bool = False
    cancelled_at: datetime | None = None
    subtotal: Decimal | None = None
    discount: Decimal = ZERO
    shipping: Decimal = ZERO
    taxes: Decimal = ZERO
    total: Decimal | None = None
    refunded: Decimal = ZERO
    updated_at: datetime | None = None
    landing_url: str = ""  # path and utm_* parameters only (``landing.landing_reduce``)
    referring_site: str = ""  # origin only (``landing.referrer_reduce``)
    lines: list[LineRecord] = field(default_factory=list)

    @property
    def is_guest(self) -> bool:
        return not self.customer_key


@dataclass
class ParsedOrders:
    """A file read: its orders (guests included), the problems found with the lines they are on, and the ids
    of the orders those problems concern (left out when the good rows are imported)."""

    orders: list[OrderRecord] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def guests(self) -> list[OrderRecord]:
        return [order for order in self.orders if order.is_guest]

    def good_orders(self) -> list[OrderRecord]:
        return [order for order in self.orders if order.external_id not in self.rejected]
