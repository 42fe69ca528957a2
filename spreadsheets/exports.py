"""Large exports as tasks: apps register a builder per kind; the job writes a write-only workbook.

The run holds a lease (spreadsheets.jobs): a redelivered task or the beat sweeper takes over a job whose
worker died and builds the file again from scratch; writes of an older attempt are ignored.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook

from spreadsheets.jobs import MAX_ATTEMPTS as MAX_ATTEMPTS  # re-exported: the export tests name them here
from spreadsheets.jobs import PENDING_GRACE as PENDING_GRACE
from spreadsheets.jobs import (
    JobQueue,
    Superseded,
    job_claim,
    job_enqueue_on_commit,
    job_owned,
    jobs_resume,
)
from spreadsheets.models import ExportJob

# kind -> builder(job, workbook, progress) -> rows written; and kind -> counter(job) -> rows expected
BUILDERS: dict[str, Callable] = {}
COUNTERS: dict[str, Callable] = {}
LARGE_EXPORT_ROWS = 10_000
# A running job that reported nothing for this long lost its worker (progress comes every 5,000 rows,
# seconds apart; the task's own time limit is 35 minutes, and the lease only has to outlive a silence).
EXPORT_LEASE = timedelta(minutes=10)
GIVEN_UP = "导出多次中断，已停止重试。请缩小导出范围后重新导出，或联系管理员。"
ENQUEUE_FAILED = (
    "导出任务已登记，但暂时无法提交到后台队列；系统会在几分钟内自动重新提交，请稍后刷新本页查看进度。"
)
EXPORT_QUEUE = JobQueue(
    model=ExportJob,
    task="export_job_run",
    running=(ExportJob.Status.RUNNING,),
    claimed_status=ExportJob.Status.RUNNING,
    lease=EXPORT_LEASE,
    given_up={"error": GIVEN_UP},
    reset={"done_rows": 0},
)


def register(kind: str, *, builder: Callable, counter: Callable) -> None:
    BUILDERS[kind], COUNTERS[kind] = builder, counter


def export_job_create(*, user, kind: str, title: str, params: dict) -> ExportJob:
    """Queues a job after commit; the task builds the file and records progress. A broker that is down
    does not lose the request: the sweeper queues the job later."""
    job = ExportJob.objects.create(user=user, kind=kind, title=title, params=params)
    job_enqueue_on_commit(EXPORT_QUEUE, job_id=job.id)
    return job


def export_job_claim(*, job_id: int, now: datetime | None = None) -> int | None:
    return job_claim(EXPORT_QUEUE, job_id=job_id, now=now)


def export_jobs_resume(*, now: datetime | None = None) -> int:
    return jobs_resume(EXPORT_QUEUE, now=now)


def export_job_run(*, job_id: int) -> bool:
    """Builds the file under a claim: a duplicate task finds the lease held and does nothing; a task for a
    job whose lease expired takes it over and builds the file anew. Returns whether this run finished it."""
    attempt = export_job_claim(job_id=job_id)
    if attempt is None:
        return False
    mine = job_owned(EXPORT_QUEUE, job_id=job_id, attempt=attempt)
    job = ExportJob.objects.select_related("user").get(id=job_id)
    try:
        mine.update(total=COUNTERS[job.kind](job), claimed_at=timezone.now())
        workbook = Workbook(write_only=True)

        def progress(rows: int) -> None:
            # The heartbeat renews the lease; a run whose lease was taken over stops here.
            if mine.update(done_rows=rows, claimed_at=timezone.now()) != 1:
                raise Superseded

        rows = BUILDERS[job.kind](job, workbook, progress)
        buffer = io.BytesIO()
        workbook.save(buffer)
        # A fresh name per attempt: an older attempt's file is never overwritten or reused.
        name = job.file.storage.save(
            job.file.field.generate_filename(job, f"{job.kind}-{job.pk}-{attempt}.xlsx"),
            ContentFile(buffer.getvalue()),
        )
        finished = mine.update(
            file=name, status=ExportJob.Status.DONE, done_rows=rows, finished_at=timezone.now()
        )
        if finished != 1:  # another attempt took the job over meanwhile: its file is the one kept
            job.file.storage.delete(name)
            return False
    except Superseded:
        return False
    except Exception as exc:
        mine.update(status=ExportJob.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now())
        raise
    return True
