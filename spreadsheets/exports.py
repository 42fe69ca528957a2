"""Large exports as tasks: apps register a builder per kind; the job writes a write-only workbook.

A run is claimed with a lease (as notification delivery is): the claim stamps ``claimed_at`` and counts
the attempt, each progress report renews the stamp, and a job whose stamp is older than the lease was
left by a worker that died. The redelivered task (acks_late) or the beat sweeper then takes it over as
the next attempt and builds the file again from scratch; writes of an older attempt are ignored.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError
from openpyxl import Workbook

from spreadsheets.models import ExportJob

logger = logging.getLogger(__name__)

# kind -> builder(job, workbook, progress) -> rows written; and kind -> counter(job) -> rows expected
BUILDERS: dict[str, Callable] = {}
COUNTERS: dict[str, Callable] = {}
LARGE_EXPORT_ROWS = 10_000
# A running job that reported nothing for this long lost its worker (progress comes every 5,000 rows,
# seconds apart; the task's own time limit is 35 minutes, and the lease only has to outlive a silence).
EXPORT_LEASE = timedelta(minutes=10)
# A pending job this old was never picked up (its message lost, or a long queue: a duplicate is harmless);
# one whose enqueue failed (broker down at request time) is queued again at the next sweep.
PENDING_GRACE = timedelta(minutes=10)
# A job whose worker died this many times is given up: building it again would kill the next one too.
MAX_ATTEMPTS = 3
GIVEN_UP = "导出多次中断，已停止重试。请缩小导出范围后重新导出，或联系管理员。"
ENQUEUE_FAILED = (
    "导出任务已登记，但暂时无法提交到后台队列；系统会在几分钟内自动重新提交，请稍后刷新本页查看进度。"
)


class _Superseded(Exception):
    """This run's lease was taken over by a later attempt: it stops and leaves the job to that one."""


def register(kind: str, *, builder: Callable, counter: Callable) -> None:
    BUILDERS[kind], COUNTERS[kind] = builder, counter


def export_job_create(*, user, kind: str, title: str, params: dict) -> ExportJob:
    """Queues a job after commit; the task builds the file and records progress.

    A broker that is down does not lose the request: the job stays pending, is marked as not queued (the
    page says so) and the sweeper queues it later."""
    job = ExportJob.objects.create(user=user, kind=kind, title=title, params=params)
    transaction.on_commit(lambda: export_job_enqueue(job_id=job.id), robust=True)
    return job


def export_job_enqueue(*, job_id: int) -> bool:
    """Sends the job's task; on a broker error records the failure instead of raising (the job is
    committed and the sweeper will queue it). Returns whether the task was sent."""
    from spreadsheets.tasks import export_job_run as export_job_run_task

    try:
        export_job_run_task.delay(job_id)
    except OperationalError:  # kombu's "broker unreachable", raised after its own short retries
        logger.exception("export job %s could not be queued; the sweeper will queue it", job_id)
        ExportJob.objects.filter(id=job_id).update(enqueue_failed_at=timezone.now())
        return False
    return True


def _claimable(now: datetime) -> Q:
    return Q(status=ExportJob.Status.PENDING) | Q(
        status=ExportJob.Status.RUNNING, claimed_at__lt=now - EXPORT_LEASE
    )


def export_job_claim(*, job_id: int, now: datetime | None = None) -> int | None:
    """Claims a pending job, or takes over a running one whose lease expired; returns the attempt number
    that owns the run now, or None when another run holds a live lease (or the job is finished).

    One conditional update decides: of two tasks racing for the same job only one matches."""
    now = now or timezone.now()
    claimed = ExportJob.objects.filter(_claimable(now), id=job_id, attempts__lt=MAX_ATTEMPTS).update(
        status=ExportJob.Status.RUNNING, claimed_at=now, attempts=F("attempts") + 1, done_rows=0
    )
    if claimed != 1:
        _give_up_if_exhausted(job_id=job_id, now=now)
        return None
    return ExportJob.objects.filter(id=job_id).values_list("attempts", flat=True).get()


def _give_up_if_exhausted(*, job_id: int, now: datetime) -> None:
    ExportJob.objects.filter(_claimable(now), id=job_id, attempts__gte=MAX_ATTEMPTS).update(
        status=ExportJob.Status.FAILED, error=GIVEN_UP, finished_at=now
    )


def export_job_run(*, job_id: int) -> bool:
    """Builds the file under a claim: a duplicate task finds the lease held and does nothing; a task for a
    job whose lease expired takes it over and builds the file anew. Returns whether this run finished it."""
    attempt = export_job_claim(job_id=job_id)
    if attempt is None:
        return False
    mine = ExportJob.objects.filter(id=job_id, attempts=attempt, status=ExportJob.Status.RUNNING)
    job = ExportJob.objects.select_related("user").get(id=job_id)
    try:
        mine.update(total=COUNTERS[job.kind](job), claimed_at=timezone.now())
        workbook = Workbook(write_only=True)

        def progress(rows: int) -> None:
            # The heartbeat renews the lease; a run whose lease was taken over stops here.
            if mine.update(done_rows=rows, claimed_at=timezone.now()) != 1:
                raise _Superseded

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
    except _Superseded:
        return False
    except Exception as exc:
        mine.update(status=ExportJob.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now())
        raise
    return True


def export_jobs_resume(*, now: datetime | None = None) -> int:
    """The sweeper (beat): queues pending jobs that were never picked up and running jobs whose lease
    expired; gives up on jobs that have used every attempt. Returns the number of jobs queued."""
    now = now or timezone.now()
    ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, claimed_at__lt=now - EXPORT_LEASE, attempts__gte=MAX_ATTEMPTS
    ).update(status=ExportJob.Status.FAILED, error=GIVEN_UP, finished_at=now)
    stale = ExportJob.objects.filter(
        Q(status=ExportJob.Status.PENDING, enqueue_failed_at__isnull=False)
        | Q(status=ExportJob.Status.PENDING, created_at__lt=now - PENDING_GRACE)
        | Q(status=ExportJob.Status.RUNNING, claimed_at__lt=now - EXPORT_LEASE)
    )
    queued = 0
    for job_id in stale.values_list("id", flat=True):
        # Cleared first (an eager run, as in tests and `make run`, finishes the job inside the enqueue);
        # set again if the broker is still down.
        ExportJob.objects.filter(id=job_id).update(enqueue_failed_at=None)
        queued += export_job_enqueue(job_id=job_id)
    return queued
