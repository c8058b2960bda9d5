"""Uploads from the dashboard: files held for the import task, then imported with progress on a TaskRun."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.models import Cycle, TaskRun
from core.services import task_run_finish, task_run_progress

from .. import importers
from ..models import KeywordColumnMapping, TrendImport, TrendUpload
from .imports import ImportReport, trends_import_files

MAX_UPLOAD_FILES = 50


def trend_upload_stage(
    *, files: list[tuple[str, bytes]], mapping: KeywordColumnMapping | None = None, market: str = "",
    snapshot: datetime.date | None = None, cycle: Cycle | None = None, keyword: str = "",
) -> TaskRun:
    """Hold uploaded files for the import task and create the TaskRun whose progress the dashboard shows."""
    if not files:
        raise ValidationError({"files": "Choose at least one file."})
    if len(files) > MAX_UPLOAD_FILES:
        raise ValidationError({"files": f"At most {MAX_UPLOAD_FILES} files at once ({len(files)} chosen)."})
    for name, data in files:
        if len(data) > importers.common.MAX_BYTES:
            raise ValidationError({"files": f"{name}: larger than {importers.common.MAX_BYTES // 2**20} MB."})
    options = {"mapping_id": mapping.pk if mapping else None, "market": market.strip().upper()[:12],
               "snapshot": snapshot.isoformat() if snapshot else None, "keyword": " ".join(keyword.split())[:200]}
    with transaction.atomic():
        run = TaskRun.objects.create(
            kind="hotspots.import", cycle=cycle, total=len(files), status=TaskRun.Status.PENDING,
            message=f"{len(files)} files queued",
        )
        TrendUpload.objects.bulk_create(
            TrendUpload(task_run=run, filename=(name or "upload.csv")[:255], data=data, options=options)
            for name, data in files
        )
    return run


def trend_upload_import(*, task_run_id: int) -> list[ImportReport]:
    """Import the files held for a TaskRun, reporting progress on it; runs once (claimed PENDING -> RUNNING)."""
    claimed = TaskRun.objects.filter(pk=task_run_id, status=TaskRun.Status.PENDING).update(
        status=TaskRun.Status.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return []
    run = TaskRun.objects.get(pk=task_run_id)
    uploads = list(TrendUpload.objects.filter(task_run=run).order_by("id"))
    options = uploads[0].options if uploads else {}
    mapping = None
    if options.get("mapping_id"):
        saved = KeywordColumnMapping.objects.filter(pk=options["mapping_id"]).first()
        if saved is None:
            task_run_finish(run_id=run.pk, error="The column mapping chosen for this upload was deleted.")
            TrendUpload.objects.filter(task_run=run).delete()
            return []
        mapping = saved.as_mapping()
        options["market"] = options.get("market") or saved.market
    snapshot = datetime.date.fromisoformat(options["snapshot"]) if options.get("snapshot") else None

    def progress(done: int, total: int) -> None:
        task_run_progress(run_id=run.pk, done=done, total=total, message=f"{done} of {total} files read")

    try:
        reports = trends_import_files(
            uploads=[(u.filename, bytes(u.data)) for u in uploads], mapping=mapping,
            market=options.get("market") or "", snapshot=snapshot, task_run=run, progress=progress,
            keyword=options.get("keyword") or "",
        )
    except Exception as exc:
        task_run_finish(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    TrendUpload.objects.filter(task_run=run).delete()
    failed = sum(r.status == TrendImport.Status.FAILED for r in reports)
    task_run_progress(
        run_id=run.pk, done=len(reports), total=len(reports),
        message=f"{len(reports) - failed} of {len(reports)} files imported",
    )
    task_run_finish(run_id=run.pk, error=f"{failed} of {len(reports)} files failed" if failed else "")
    return reports
