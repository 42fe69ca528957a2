"""Large exports as tasks: apps register a builder per kind; the job writes a write-only workbook."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from spreadsheets.models import ExportJob

# kind -> builder(job, workbook, progress) -> rows written; and kind -> counter(job) -> rows expected
BUILDERS: dict[str, Callable] = {}
COUNTERS: dict[str, Callable] = {}
LARGE_EXPORT_ROWS = 10_000


def register(kind: str, *, builder: Callable, counter: Callable) -> None:
    BUILDERS[kind], COUNTERS[kind] = builder, counter


def export_job_create(*, user, kind: str, title: str, params: dict) -> ExportJob:
    """Queues a job after commit; the task builds the file and records progress."""
    from spreadsheets.tasks import export_job_run as export_job_run_task

    job = ExportJob.objects.create(user=user, kind=kind, title=title, params=params)
    transaction.on_commit(lambda: export_job_run_task.delay(job.id), robust=True)
    return job


def export_job_run(*, job_id: int) -> bool:
    """Builds the file once: the job is claimed by a conditional update, so a duplicate task does nothing."""
    if (
        ExportJob.objects.filter(id=job_id, status=ExportJob.Status.PENDING).update(
            status=ExportJob.Status.RUNNING
        )
        != 1
    ):
        return False
    job = ExportJob.objects.select_related("user").get(id=job_id)
    try:
        job.total = COUNTERS[job.kind](job)
        job.save(update_fields=["total"])
        workbook = Workbook(write_only=True)

        def progress(rows: int) -> None:
            ExportJob.objects.filter(id=job_id).update(done_rows=rows)

        rows = BUILDERS[job.kind](job, workbook, progress)
        buffer = io.BytesIO()
        workbook.save(buffer)
        job.file.save(f"{job.kind}-{job.pk}.xlsx", ContentFile(buffer.getvalue()), save=False)
        job.status, job.done_rows, job.finished_at = ExportJob.Status.DONE, rows, timezone.now()
        job.save(update_fields=["file", "status", "done_rows", "finished_at"])
    except Exception as exc:
        ExportJob.objects.filter(id=job_id).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        raise
    return True
