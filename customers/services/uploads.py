"""Order exports uploaded from the dashboard: held for the import task, whose progress the page shows."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.files import size_text
from core.models import Cycle, TaskRun
from core.services import task_run_finish, task_run_progress
from customers.importers import FORMATS, MAX_FILE_BYTES
from customers.models import OrderColumnMapping, OrderUpload

from .orders_import import OrdersImportReport, orders_import_many

KIND = "customers.import"
MAX_UPLOAD_FILES = 20


def orders_upload_stage(
    *, files: list[tuple[str, bytes]], fmt: str, mapping: OrderColumnMapping | None = None, partial: bool = False,
    currency: str = "", market: str = "", cycle: Cycle | None = None, actor: str = "",
) -> TaskRun:
    """Hold uploaded files and create the TaskRun the import task reports its progress on."""
    errors = {}
    if not files:
        errors["files"] = ["Choose at least one file."]
    elif len(files) > MAX_UPLOAD_FILES:
        errors["files"] = [f"At most {MAX_UPLOAD_FILES} files at once ({len(files)} chosen)."]
    else:
        too_big = [name for name, data in files if len(data) > MAX_FILE_BYTES]
        if too_big:
            errors["files"] = [f"{', '.join(too_big)}: larger than {size_text(MAX_FILE_BYTES)}."]
    if fmt not in FORMATS:
        errors["format"] = [f"One of {', '.join(FORMATS)}."]
    if errors:
        raise ValidationError(errors)
    options = {
        "format": fmt, "mapping_id": mapping.pk if mapping else None, "partial": bool(partial),
        "currency": currency.strip().upper()[:3], "market": market.strip().upper()[:2],
        "cycle_id": cycle.pk if cycle else None, "actor": (actor or "dashboard upload")[:150],
    }
    with transaction.atomic():
        run = TaskRun.objects.create(kind=KIND, cycle=cycle, total=len(files), status=TaskRun.Status.PENDING,
                                     message=f"{len(files)} files queued")
        OrderUpload.objects.bulk_create(
            OrderUpload(task_run=run, filename=(name or "upload.csv")[:255], data=data, options=options)
            for name, data in files
        )
    return run


def orders_upload_import(*, task_run_id: int) -> list[OrdersImportReport]:
    """Import the files held for a TaskRun, reporting progress on it; runs once (claimed PENDING -> RUNNING)."""
    claimed = TaskRun.objects.filter(pk=task_run_id, kind=KIND, status=TaskRun.Status.PENDING).update(
        status=TaskRun.Status.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return []
    run = TaskRun.objects.get(pk=task_run_id)
    uploads = list(OrderUpload.objects.filter(task_run=run).order_by("id"))
    options = uploads[0].options if uploads else {}
    mapping = None
    if options.get("mapping_id"):
        mapping = OrderColumnMapping.objects.filter(pk=options["mapping_id"]).first()
        if mapping is None:
            OrderUpload.objects.filter(task_run=run).delete()
            task_run_finish(run_id=run.pk, error="The column mapping chosen for this upload was deleted.")
            return []
    cycle = Cycle.objects.filter(pk=options.get("cycle_id")).first() if options.get("cycle_id") else None

    def progress(done: int, total: int) -> None:
        task_run_progress(run_id=run.pk, done=done, total=total, message=f"{done} of {total} files read")

    try:
        reports = orders_import_many(
            fmt=options.get("format", "shopify"), files=[(u.filename, bytes(u.data)) for u in uploads], cycle=cycle,
            mapping=mapping, partial=options.get("partial", False), currency=options.get("currency", ""),
            market=options.get("market", ""), task_run=run, actor=options.get("actor", "dashboard upload"),
            progress=progress,
        )
    except Exception as exc:
        task_run_finish(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    OrderUpload.objects.filter(task_run=run).delete()
    refused = sum(not r.ok for r in reports)
    task_run_progress(run_id=run.pk, done=len(reports), total=len(reports),
                      message=f"{len(reports) - refused} of {len(reports)} files imported")
    task_run_finish(run_id=run.pk, error=f"{refused} of {len(reports)} files refused" if refused else "")
    return reports
