"""Jobs a task runs under a lease (exports and imports): the mechanism both share.

A run is claimed with a lease (as notification delivery is): the claim stamps ``claimed_at`` and counts
the attempt, progress reports renew the stamp, and a job whose stamp is older than the lease was left by
a worker that died. The redelivered task (acks_late) or the beat sweeper then takes it over as the next
attempt; writes of an older attempt match nothing (they are conditional on the attempt) and are ignored.
A job whose task could not be queued (broker down) is marked so and queued by the next sweep.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError

from spreadsheets.models import LeasedJob

logger = logging.getLogger(__name__)

# A pending job this old was never picked up (its message lost, or a long queue: a duplicate is harmless);
# one whose enqueue failed (broker down at request time) is queued again at the next sweep.
PENDING_GRACE = timedelta(minutes=10)
# A job whose worker died this many times is given up: running it again would kill the next one too.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class JobQueue:
    """How one kind of job is run: its model, its task (a name in spreadsheets.tasks), the statuses in
    which a run holds the lease, the status a claim sets, the lease, the fields a new attempt starts from
    and the fields that say the job was given up."""

    model: type[LeasedJob]
    task: str
    running: tuple[str, ...]
    claimed_status: str
    lease: timedelta
    given_up: dict
    reset: dict = field(default_factory=dict)

    def claimable(self, now: datetime) -> Q:
        return Q(status=self.model.Status.PENDING) | Q(
            status__in=self.running, claimed_at__lt=now - self.lease
        )


class Superseded(Exception):
    """This run's lease was taken over by a later attempt: it stops and leaves the job to that one."""


def job_enqueue(queue: JobQueue, *, job_id: int) -> bool:
    """Sends the job's task; on a broker error records the failure instead of raising (the job is
    committed and the sweeper will queue it). Returns whether the task was sent."""
    task = getattr(import_module("spreadsheets.tasks"), queue.task)
    try:
        task.delay(job_id)
    except OperationalError:  # kombu's "broker unreachable", raised after its own short retries
        logger.exception("%s %s could not be queued; the sweeper will queue it", queue.task, job_id)
        queue.model.objects.filter(id=job_id).update(enqueue_failed_at=timezone.now())
        return False
    return True


def job_enqueue_on_commit(queue: JobQueue, *, job_id: int) -> None:
    """Queues the job once the transaction that created it commits: a broker that is down then does not
    lose the request (the job stays pending, marked as not queued, and the page says so)."""
    transaction.on_commit(lambda: job_enqueue(queue, job_id=job_id), robust=True)


def job_claim(queue: JobQueue, *, job_id: int, now: datetime | None = None) -> int | None:
    """Claims a pending job, or takes over a running one whose lease expired; returns the attempt number
    that owns the run now, or None when another run holds a live lease (or the job is finished).

    One conditional update decides: of two tasks racing for the same job only one matches."""
    now = now or timezone.now()
    jobs = queue.model.objects.filter(queue.claimable(now), id=job_id)
    claimed = jobs.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=queue.claimed_status, claimed_at=now, attempts=F("attempts") + 1, **queue.reset
    )
    if claimed != 1:
        jobs.filter(attempts__gte=MAX_ATTEMPTS).update(
            status=queue.model.Status.FAILED, finished_at=now, **queue.given_up
        )
        return None
    return queue.model.objects.filter(id=job_id).values_list("attempts", flat=True).get()


def job_owned(queue: JobQueue, *, job_id: int, attempt: int) -> QuerySet:
    """The job as long as this attempt owns it: an update through it that matches nothing means the run
    was taken over (or ended) and must stop."""
    return queue.model.objects.filter(id=job_id, attempts=attempt, status__in=queue.running)


def jobs_resume(queue: JobQueue, *, now: datetime | None = None) -> int:
    """The sweeper (beat): queues pending jobs that were never picked up and running jobs whose lease
    expired; gives up on jobs that have used every attempt. Returns the number of jobs queued."""
    now = now or timezone.now()
    model = queue.model
    model.objects.filter(
        status__in=queue.running, claimed_at__lt=now - queue.lease, attempts__gte=MAX_ATTEMPTS
    ).update(status=model.Status.FAILED, finished_at=now, **queue.given_up)
    stale = model.objects.filter(
        Q(status=model.Status.PENDING, enqueue_failed_at__isnull=False)
        | Q(status=model.Status.PENDING, created_at__lt=now - PENDING_GRACE)
        | Q(status__in=queue.running, claimed_at__lt=now - queue.lease)
    )
    queued = 0
    for job_id in stale.values_list("id", flat=True):
        # Cleared first (an eager run, as in tests and `make run`, finishes the job inside the enqueue);
        # set again if the broker is still down.
        model.objects.filter(id=job_id).update(enqueue_failed_at=None)
        queued += job_enqueue(queue, job_id=job_id)
    return queued
