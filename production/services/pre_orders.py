"""Pre-orders taken before production: entered by hand, imported from files, cancelled.

An import is all or nothing: a file with any bad line stores nothing and its
report names the file, the line, the column and the reason. A line already
stored (same channel, reference, variant and market) is counted as unchanged,
so importing the same export twice stores nothing new.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.files import FileProblem, defuse, read_limited
from core.transitions import TransitionNotAllowed, actor_clean, transition
from design.models import Concept, Variant

from ..importers import pre_orders as parse
from ..models import PreOrder

MAX_NOTE_LENGTH = parse.MAX_LENGTHS["note"]
_ACTOR_MAX = 150
_CHUNK = 500
_DEFAULT_CHANNEL = {parse.SHOPIFY: PreOrder.Channel.SHOPIFY.value, parse.TEMPLATE: PreOrder.Channel.OTHER.value}


@dataclass
class PreOrderImportReport:
    """What one file did: stored lines, or why nothing was stored."""

    filename: str
    format: str = ""
    channel: str = ""
    ok: bool = False
    created: int = 0
    units: int = 0
    unchanged: int = 0
    rows: int = 0
    skipped: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    neutralised: int = 0

    @property
    def problems(self) -> list[str]:
        return [error["message"] for error in self.errors]

    def __str__(self):
        if not self.ok:
            return f"{self.filename}: nothing stored, {len(self.errors)} problem(s): " + "; ".join(self.problems)
        parts = [f"{self.created} new ({self.units} units)", f"{self.unchanged} unchanged"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped (refunded, voided, cancelled or without a SKU)")
        merged = sum(1 for d in self.duplicates if d.get("merged"))
        if merged:
            parts.append(f"{merged} repeated line item(s) added to their order's line")
        if self.neutralised:
            parts.append(f"{self.neutralised} formula-like value(s) stored with a leading '")
        text = f"{self.filename} ({self.format}, channel {self.channel}): " + ", ".join(parts)
        return text + "".join(f"\n  warning: {w}" for w in self.warnings)


def _error(report: PreOrderImportReport, line: int | None, column: str | None, reason: str) -> None:
    report.errors.append(FileProblem(report.filename, line, column, reason).as_dict())


def _channel_clean(channel, *, is_demo: bool, errors: dict) -> str:
    value = channel.strip().lower() if isinstance(channel, str) else ""
    if value not in PreOrder.Channel.values:
        errors["channel"] = [f"{channel!r} is not a channel; one of {', '.join(PreOrder.Channel.values)}."]
    elif value == PreOrder.Channel.DEMO and not is_demo:
        errors["channel"] = ["The demo channel is kept for generated demo data."]
    return value


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def pre_orders_import(
    *,
    file,
    filename: str,
    concept: Concept | None = None,
    channel: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PreOrderImportReport:
    """Import one pre-order file (the template or a Shopify orders export, told by its header).

    ``channel`` defaults to the format's (``shopify`` for a Shopify export, ``other`` for the
    template). With ``concept``, every SKU must be one of that concept's variants. Returns the
    report; nothing is stored unless ``report.ok``.
    """
    errors: dict = {}
    chosen = _channel_clean(channel, is_demo=False, errors=errors) if channel else ""
    if errors:
        raise ValidationError(errors)
    report = PreOrderImportReport(filename=filename)
    try:
        # An uploaded file's size is checked before any of it is read; a stream is read to one byte past the limit.
        data = read_limited(file, max_bytes=parse.MAX_FILE_BYTES, file=filename)
    except FileProblem as problem:
        report.errors.append(problem.as_dict())
        return report
    parsed = parse.parse_pre_orders(data, filename=filename, now=timezone.now(), progress=progress)
    report.format = parsed.format
    report.channel = chosen or _DEFAULT_CHANNEL.get(parsed.format, "")
    report.rows = parsed.rows_read
    report.skipped = parsed.skipped
    report.duplicates = parsed.duplicates
    report.neutralised = parsed.neutralised
    report.errors = [problem.as_dict() for problem in parsed.problems]
    if report.errors:
        return report

    variants = _variants_by_sku(sorted({line.sku for line in parsed.lines}))
    outside: set[str] = set()
    for line in parsed.lines:
        variant = variants.get(line.sku)
        column = "Lineitem sku" if parsed.format == parse.SHOPIFY else "sku"
        if variant is None:
            _error(report, line.line, column, f"SKU {line.sku!r} matches no variant")
        elif concept is not None and variant.concept_id != concept.pk:
            _error(report, line.line, column, f"SKU {line.sku!r} is a variant of {variant.concept.name!r}, not of {concept.name!r}")
        elif line.market not in (variant.concept.target_markets or []):
            outside.add(f"{variant.sku} in {line.market}")
        if len(report.errors) >= parse.MAX_PROBLEMS:
            _error(report, None, None, f"stopped after {parse.MAX_PROBLEMS} problems")
            break
    if report.errors:
        return report
    if outside:
        shown = sorted(outside)
        report.warnings.append(
            "not a target market of the concept: " + ", ".join(shown[:10]) + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")
        )

    try:
        with transaction.atomic():
            stored = _stored(channel=report.channel, references=sorted({line.reference for line in parsed.lines}))
            new = []
            for line in parsed.lines:
                variant = variants[line.sku]
                known = stored.get((line.reference, variant.pk, line.market))
                if known is not None:
                    report.unchanged += 1
                    if known != (line.quantity,):
                        report.warnings.append(
                            f"line {line.line}: {line.reference} {line.sku} {line.market} is stored with quantity "
                            f"{known[0]}; the file's {line.quantity} was not applied"
                        )
                    continue
                new.append(
                    PreOrder(
                        variant=variant, market=line.market, quantity=line.quantity, channel=report.channel,
                        reference=line.reference, customer=line.customer, ordered_at=line.ordered_at, note=line.note,
                    )
                )
            PreOrder.objects.bulk_create(new, batch_size=_CHUNK)
    except IntegrityError:
        _error(report, None, None, "another import stored some of these lines at the same moment; import the file again")
        return report
    report.created = len(new)
    report.units = sum(p.quantity for p in new)
    report.ok = True
    return report


def _variants_by_sku(skus: list[str]) -> dict[str, Variant]:
    variants: dict[str, Variant] = {}
    for chunk in _chunks(skus):
        for variant in Variant.objects.filter(sku__in=chunk).select_related("concept").only(
            "pk", "sku", "concept__name", "concept__target_markets"
        ):
            variants[variant.sku] = variant
    return variants


def _stored(*, channel: str, references: list[str]) -> dict[tuple[str, int, str], tuple[int]]:
    stored = {}
    for chunk in _chunks(references):
        rows = PreOrder.objects.filter(channel=channel, reference__in=chunk).values_list(
            "reference", "variant_id", "market", "quantity"
        )
        for reference, variant_id, market, quantity in rows:
            stored[(reference, variant_id, market)] = (quantity,)
    return stored


def pre_order_create(
    *,
    variant: Variant,
    market: str,
    quantity: int | str,
    reference: str,
    channel: str = PreOrder.Channel.MANUAL,
    customer: str = "",
    ordered_at: datetime.datetime | None = None,
    note: str = "",
    is_demo: bool = False,
) -> PreOrder:
    """Record one pre-order (manual entry); every bad value is reported under its field name."""
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    values = {}
    for name, clean, value, kwargs in (
        ("reference", parse.clean_reference, reference, {}),
        ("market", parse.clean_market, market, {}),
        ("quantity", parse.clean_quantity, quantity, {}),
        ("customer", parse.clean_customer, customer, {}),
        ("ordered_at", parse.clean_ordered_at, ordered_at or now, {"now": now}),
    ):
        try:
            values[name] = clean(value, **kwargs)
        except ValueError as exc:
            errors[name] = [f"{str(exc)[0].upper()}{str(exc)[1:]}."]
    if not isinstance(variant, Variant) or variant.pk is None:
        errors["variant"] = ["Choose a variant (its SKU)."]
    channel = _channel_clean(channel, is_demo=is_demo, errors=errors)
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = [f"At most {MAX_NOTE_LENGTH} characters."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return PreOrder.objects.create(
                variant=variant, channel=channel, note=defuse(note), is_demo=is_demo, **values
            )
    except IntegrityError:
        raise ValidationError(
            {"reference": [f"{values['reference']} for {variant.sku} in {values['market']} is already recorded ({channel})."]}
        ) from None


def _pre_order_move(*, pre_order_id: int, to: str, actor: str, note: str, change=None, already: str = "refuse"):
    try:
        return transition(PreOrder, pk=pre_order_id, to=to, actor=actor, note=note, change=change, already=already)
    except PreOrder.DoesNotExist:
        raise ValidationError({"pre_order": [f"Pre-order {pre_order_id} does not exist."]}) from None


def pre_order_cancel(*, pre_order_id: int, actor: str = "", reason: str = "") -> PreOrder:
    """Cancel an open pre-order: it no longer counts when a batch is sized. The move is an event on its
    timeline; the reason is also kept in its note, where the pre-orders page shows it."""
    reason = (reason or "").strip()
    if len(reason) > MAX_NOTE_LENGTH:
        raise ValidationError({"reason": [f"At most {MAX_NOTE_LENGTH} characters."]})
    actor = (actor or "").strip()[:_ACTOR_MAX]

    def keep_reason(pre_order: PreOrder) -> list[str]:
        stamp = f"Cancelled {timezone.now():%Y-%m-%d %H:%M}" + (f" by {actor}" if actor else "")
        line = stamp + (f": {defuse(reason)}" if reason else ".")
        pre_order.note = f"{pre_order.note}\n{line}".strip()
        return ["note"]

    return _pre_order_move(
        pre_order_id=pre_order_id, to=PreOrder.Status.CANCELLED, actor=actor or "unknown", note=defuse(reason),
        change=keep_reason,
    )


def pre_order_fulfil(*, pre_order_id: int, actor: str, note: str = "") -> PreOrder | None:
    """An open pre-order is fulfilled (a shop order delivered what it promised): it no longer counts when a
    batch is sized. A move through ``core.transitions``: locked, an event says who and why (``note``: the
    shop order).

    A pre-order already fulfilled is left as it is (returns None), so a shop order imported twice fulfils
    once; a cancelled one is refused with the reason.
    """
    actor = actor_clean(actor)
    if len(note or "") > MAX_NOTE_LENGTH:
        raise ValidationError({"note": [f"At most {MAX_NOTE_LENGTH} characters."]})
    try:
        return _pre_order_move(
            pre_order_id=pre_order_id, to=PreOrder.Status.FULFILLED, actor=actor, note=defuse(note or ""),
        )
    except TransitionNotAllowed as refused:
        if refused.record is not None and refused.record.status == PreOrder.Status.FULFILLED:
            return None
        raise
