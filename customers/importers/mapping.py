"""A saved column mapping (``OrderColumnMapping``) as the layouts the column reader understands. Pure."""

from dataclasses import dataclass, field

from .layouts import Layout, State
from .records import PAID, PENDING, REFUNDED


def _values(text: str) -> frozenset[str]:
    return frozenset(v.strip().casefold() for v in text.split(";") if v.strip())


@dataclass(frozen=True)
class MappingSpec:
    """``columns``: order field (and, for one file, line field) -> header; ``item_columns``: the items file's
    headers, ``order_id`` among them, for marketplaces that export items apart from orders."""

    name: str
    platform: str = "generic"
    columns: dict[str, str] = field(default_factory=dict)
    item_columns: dict[str, str] = field(default_factory=dict)
    date_format: str = "iso"
    decimal_comma: bool = False
    price_is_line_total: bool = False
    default_currency: str = ""
    default_market: str = ""
    cancelled_values: str = ""
    refunded_values: str = ""
    pending_values: str = ""

    @property
    def two_tables(self) -> bool:
        return bool(self.item_columns)

    def state(self) -> "StatusWords":
        return StatusWords(_values(self.cancelled_values), _values(self.refunded_values), _values(self.pending_values))

    def _layout(self, columns: dict[str, str], required: tuple[str, ...], kind: str) -> Layout:
        fields = {key: (header,) for key, header in columns.items() if header}
        return Layout(
            platform=self.platform, kind=kind, fields=fields, required=required,
            price="line" if self.price_is_line_total else "unit", state=self.state(),
        )

    def order_layout(self) -> Layout:
        required = ("order_id", "placed_at") if self.two_tables else ("order_id", "placed_at", "quantity", "price")
        return self._layout(self.columns, required, f"mapping {self.name!r}")

    def item_layout(self) -> Layout:
        return self._layout(self.item_columns, ("order_id", "quantity", "price"), f"mapping {self.name!r} (items)")


@dataclass(frozen=True)
class StatusWords:
    """A mapping's status values: which mean cancelled, refunded, not paid yet; any other is paid."""

    cancelled: frozenset[str]
    refunded: frozenset[str]
    pending: frozenset[str]

    def __call__(self, status: str, _line_status: str = "") -> State:
        word = status.strip().casefold()
        if not word:
            return "", "", False
        if word in self.cancelled:
            return "", "", True
        if word in self.refunded:
            return REFUNDED, "", False
        if word in self.pending:
            return PENDING, "", False
        return PAID, "", False
