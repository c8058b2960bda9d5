"""Review exports into reviews: one transaction per file, all or nothing, idempotent.

A review is known by its export's platform and review id, or by a hash of its content where
the export has no id (Shopify Product Reviews, Judge.me), so importing a file twice stores
nothing new. The product a review names (SKU, handle or ASIN) is found among the products, else
created unmapped with that reference, and mapped at once when its SKU is a design variant's.
The reviewer's email finds the customer and is not kept. Each stored review is mined for
complaints, requests and praise, and after a batch of files the evidence is handed to analysis.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.files import FileProblem, read_limited
from core.models import TaskRun
from core.services import task_run_finish, task_run_progress
from customers.importers.reviews import (
    FORMATS, GENERIC, MAX_FILE_BYTES, ParsedReviews, ReviewRecord, ReviewsRefused, parse_reviews,
)
from customers.models import Customer, Product, Review, ReviewColumnMapping, ReviewImport, ReviewSource, ReviewUpload

from .product_mapping import products_automap
from .review_evidence import review_evidence_hand_over, review_mentions_store, review_miner

MAX_UPLOAD_FILES = 20
BATCH = 500
_SOURCE = {"shopify": ReviewSource.SHOPIFY, "judgeme": ReviewSource.JUDGEME, "amazon": ReviewSource.AMAZON,
           "generic": ReviewSource.GENERIC}
# Reference kinds tried first, by format: review apps name products by handle or ASIN, a generic file mostly by SKU.
_HANDLE_FIRST = {"shopify", "judgeme", "amazon"}
_REVIEW_FIELDS = ["product", "customer", "rating", "title", "text", "created_at", "reviewer", "country", "imported_from"]


@dataclass
class ReviewsImportReport:
    file: str
    format: str
    ok: bool = False
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: int = 0
    products_new: int = 0
    products_mapped: int = 0
    customers_matched: int = 0
    mentions: int = 0
    problems: list[dict] = field(default_factory=list)
    import_id: int | None = None

    def __str__(self):
        if not self.ok:
            return f"{self.file}: refused, nothing stored — " + "; ".join(p["message"] for p in self.problems)
        text = (
            f"{self.file}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged reviews; "
            f"{self.products_new} new products ({self.products_mapped} mapped by SKU), "
            f"{self.customers_matched} matched to customers, {self.mentions} complaints, requests and praise found"
        )
        if self.duplicates:
            text += f"; {self.duplicates} repeated rows read once"
        if self.skipped:
            text += f"; {self.skipped} spam rows left out"
        return text


def _sku_for(reference: str) -> str:
    """A SKU for a product known only by a handle or ASIN: the reference itself, or cut with a hash when too long."""
    if len(reference) <= 64:
        return reference
    return f"{reference[:55]}~{hashlib.sha1(reference.encode()).hexdigest()[:8]}"


def _products(records: list[ReviewRecord], fmt: str, report: ReviewsImportReport) -> dict[int, Product]:
    """Record line -> its product; products not found are created unmapped, then mapped when a variant has their SKU."""
    references = {r.product for r in records} | {r.product_alt for r in records if r.product_alt}
    found = list(Product.objects.filter(Q(sku__in=references) | Q(handle__in=references)))
    by_sku = {p.sku: p for p in found}
    by_handle: dict[str, Product] = {}
    for product in sorted(found, key=lambda p: p.pk):
        if product.handle:
            by_handle.setdefault(product.handle, product)
    maps = (by_handle, by_sku) if fmt in _HANDLE_FIRST else (by_sku, by_handle)

    def find(reference: str) -> Product | None:
        return next((m[reference] for m in maps if reference in m), None)

    wanted: dict[int, Product] = {}
    created: dict[str, Product] = {}
    for record in records:
        product = find(record.product) or (find(record.product_alt) if record.product_alt else None)
        if product is None:
            product = created.get(record.product)
            if product is None:
                sku = _sku_for(record.product)
                if sku in by_sku:
                    sku = _sku_for(f"{fmt}:{record.product}")
                product = Product(sku=sku, handle=record.product, title=record.product_title or record.product,
                                  category="")
                created[record.product] = product
        wanted[record.line] = product
    Product.objects.bulk_create(created.values(), batch_size=BATCH)
    report.products_new = len(created)
    if created:
        report.products_mapped = len(products_automap(products=list(created.values()), hand_over=False))
    return wanted


def _customers(records: list[ReviewRecord]) -> dict[str, tuple[int, str]]:
    emails = {r.email for r in records if r.email}
    matched: dict[str, tuple[int, str]] = {}
    if emails:
        for email, pk, country in Customer.objects.filter(email__in=emails).order_by("pk").values_list(
            "email", "pk", "country"
        ):
            matched.setdefault(email.lower(), (pk, country))
    return matched


def _store(parsed: ParsedReviews, *, fmt: str, mapping: ReviewColumnMapping | None, record: ReviewImport,
           report: ReviewsImportReport, miner) -> None:
    source = _SOURCE[fmt]
    records = parsed.reviews
    if fmt == GENERIC and mapping is not None:
        for r in records:
            if not r.external_id.startswith("h:"):
                r.external_id = f"{mapping.pk}:{r.external_id}"[:80]
    products = _products(records, fmt, report)
    customers = _customers(records)
    existing = {
        r.external_id: r
        for r in Review.objects.filter(source=source, external_id__in=[r.external_id for r in records])
    }
    new, changed = [], []
    for row in records:
        customer_id, customer_country = customers.get(row.email, (None, ""))
        report.customers_matched += customer_id is not None
        values = {
            "product": products[row.line], "customer_id": customer_id, "rating": row.rating, "title": row.title,
            "text": row.body, "created_at": row.created_at, "reviewer": row.reviewer,
            "country": row.country or customer_country,
        }
        review = existing.get(row.external_id)
        if review is None:
            new.append(Review(source=source, external_id=row.external_id, imported_from=record, **values))
            continue
        before = (review.product_id, review.customer_id, review.rating, review.title, review.text, review.created_at,
                  review.reviewer, review.country)
        after = (values["product"].pk, customer_id, row.rating, row.title, row.body, row.created_at, row.reviewer,
                 values["country"])
        if before == after:
            report.unchanged += 1
            continue
        for name, value in values.items():
            setattr(review, name, value)
        review.imported_from = record
        changed.append(review)
    Review.objects.bulk_create(new, batch_size=BATCH)
    Review.objects.bulk_update(changed, _REVIEW_FIELDS, batch_size=BATCH)
    report.new, report.updated = len(new), len(changed)
    report.mentions = review_mentions_store(reviews=[*new, *changed], miner=miner)


def _fail(report: ReviewsImportReport, problems: list[FileProblem], task_run: TaskRun | None) -> ReviewsImportReport:
    failed = ReviewsImportReport(file=report.file, format=report.format,
                                 problems=[p.as_dict() for p in problems])
    row = ReviewImport.objects.create(
        filename=report.file, format=report.format, status=ReviewImport.Status.FAILED, problems=failed.problems,
        task_run=task_run,
    )
    failed.import_id = row.pk
    return failed


def reviews_import_data(
    *, fmt: str, file: str, data: bytes | FileProblem | OSError, mapping: ReviewColumnMapping | None = None,
    task_run: TaskRun | None = None, miner=None,
) -> ReviewsImportReport:
    """Import one review export; on any problem nothing of it is stored and the report lists every problem."""
    file = (file or "upload.csv")[:255]
    report = ReviewsImportReport(file=file, format=fmt)
    if fmt not in FORMATS:
        return _fail(report, [FileProblem(file, None, None, f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")],
                     task_run)
    if isinstance(data, FileProblem):
        return _fail(report, [data], task_run)
    if isinstance(data, OSError):
        return _fail(report, [FileProblem(file, None, None, f"cannot read the file: {data.strerror or data}")], task_run)
    try:
        parsed = parse_reviews(
            data, file, fmt, mapping=mapping.as_mapping() if mapping else None,
            rating_scale=mapping.rating_scale if mapping else 5,
        )
    except ReviewsRefused as refused:
        return _fail(report, refused.problems, task_run)
    report.duplicates, report.skipped = parsed.duplicates, parsed.spam
    try:
        with transaction.atomic():
            record = ReviewImport.objects.create(filename=file, format=fmt, status=ReviewImport.Status.OK,
                                                 task_run=task_run)
            if parsed.reviews:
                _store(parsed, fmt=fmt, mapping=mapping, record=record, report=report, miner=miner or review_miner())
            record.new, record.updated, record.unchanged = report.new, report.updated, report.unchanged
            record.duplicates, record.skipped = report.duplicates, report.skipped
            record.products_new = report.products_new
            record.save(update_fields=["new", "updated", "unchanged", "duplicates", "skipped", "products_new"])
    except IntegrityError:
        # Another import stored the same reviews or products in the same moment; this one stored nothing.
        return _fail(report, [FileProblem(file, None, None, "another import stored some of the same reviews or "
                                          "products at the same moment; nothing of this file was stored, import it again")],
                     task_run)
    report.ok, report.import_id = True, record.pk
    return report


def reviews_import(
    *, fmt: str, paths: Iterable[str | Path], mapping: ReviewColumnMapping | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[ReviewsImportReport]:
    """Import review exports from files, one report per file; the evidence goes to analysis once, at the end."""
    paths = [Path(p) for p in paths]
    miner = review_miner()
    reports = []
    for done, path in enumerate(paths):
        if progress:
            progress(done, len(paths), path.name)
        try:
            data: bytes | FileProblem | OSError = read_limited(path, max_bytes=MAX_FILE_BYTES, file=path.name)
        except (FileProblem, OSError) as exc:
            data = exc
        reports.append(reviews_import_data(fmt=fmt, file=path.name, data=data, mapping=mapping, miner=miner))
    if progress:
        progress(len(paths), len(paths), "")
    if any(r.ok and (r.new or r.updated) for r in reports):
        review_evidence_hand_over()
    return reports


def review_upload_stage(
    *, files: list[tuple[str, bytes]], fmt: str, mapping: ReviewColumnMapping | None = None,
) -> TaskRun:
    """Hold uploaded review exports for the import task and make the TaskRun whose progress the dashboard shows."""
    if fmt not in FORMATS:
        raise ValidationError({"format": f"Choose one of {', '.join(FORMATS)}."})
    if fmt == GENERIC and mapping is None:
        raise ValidationError({"mapping": "A generic review file is read through a saved column mapping: choose one."})
    if not files:
        raise ValidationError({"files": "Choose at least one file."})
    if len(files) > MAX_UPLOAD_FILES:
        raise ValidationError({"files": f"At most {MAX_UPLOAD_FILES} files at once ({len(files)} chosen)."})
    for name, data in files:
        if len(data) > MAX_FILE_BYTES:
            raise ValidationError({"files": f"{name}: larger than {MAX_FILE_BYTES // 2**20} MB."})
    options = {"format": fmt, "mapping_id": mapping.pk if mapping else None}
    with transaction.atomic():
        run = TaskRun.objects.create(
            kind=ReviewUpload.TASK_KIND, total=len(files), status=TaskRun.Status.PENDING,
            message=f"{len(files)} review file{'s' if len(files) != 1 else ''} queued",
        )
        ReviewUpload.objects.bulk_create(
            ReviewUpload(task_run=run, filename=(name or "upload.csv")[:255], data=data, options=options)
            for name, data in files
        )
    return run


def review_upload_import(*, task_run_id: int) -> list[ReviewsImportReport]:
    """Import the files held for a TaskRun, with progress on it; runs once (claimed PENDING -> RUNNING)."""
    claimed = TaskRun.objects.filter(pk=task_run_id, status=TaskRun.Status.PENDING).update(
        status=TaskRun.Status.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return []
    run = TaskRun.objects.get(pk=task_run_id)
    uploads = list(ReviewUpload.objects.filter(task_run=run).order_by("id"))
    options = uploads[0].options if uploads else {}
    mapping = None
    if options.get("mapping_id"):
        mapping = ReviewColumnMapping.objects.filter(pk=options["mapping_id"]).first()
        if mapping is None:
            ReviewUpload.objects.filter(task_run=run).delete()
            task_run_finish(run_id=run.pk, error="The column mapping chosen for this upload was deleted.")
            return []
    miner = review_miner()
    reports = []
    try:
        for done, upload in enumerate(uploads):
            task_run_progress(run_id=run.pk, done=done, total=len(uploads), message=f"reading {upload.filename}")
            reports.append(reviews_import_data(
                fmt=options.get("format", ""), file=upload.filename, data=bytes(upload.data), mapping=mapping,
                task_run=run, miner=miner,
            ))
        if any(r.ok and (r.new or r.updated) for r in reports):
            review_evidence_hand_over()
    except Exception as exc:
        task_run_finish(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    ReviewUpload.objects.filter(task_run=run).delete()
    refused = sum(not r.ok for r in reports)
    task_run_progress(run_id=run.pk, done=len(reports), total=len(reports),
                      message=f"{len(reports) - refused} of {len(reports)} files imported")
    task_run_finish(run_id=run.pk, error=f"{refused} of {len(reports)} files refused" if refused else "")
    return reports
