"""Export jobs survive faults: the claim is a lease, a lost worker's job is taken over and finished, the
sweeper queues what was never queued, and a broker that is down at request time is said on the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from spreadsheets import exports
from spreadsheets.exports import (
    ENQUEUE_FAILED,
    EXPORT_LEASE,
    GIVEN_UP,
    MAX_ATTEMPTS,
    PENDING_GRACE,
    export_job_claim,
    export_job_run,
    export_jobs_resume,
)
from spreadsheets.models import ExportJob
from tests.centers.builders import accept
from tests.spreadsheets.brokers import dead_broker

pytestmark = pytest.mark.django_db

TICK = timedelta(microseconds=1)


def job_for(world, **fields) -> ExportJob:
    fields.setdefault("params", {})
    fields.setdefault("kind", "proxy_requests")
    return ExportJob.objects.create(user=world.township_a_officer, title="代办登记簿", **fields)


def test_a_pending_job_is_claimed_once(world):
    job, now = job_for(world), timezone.now()
    assert export_job_claim(job_id=job.pk, now=now) == 1
    assert export_job_claim(job_id=job.pk, now=now) is None  # the duplicate task does nothing
    job.refresh_from_db()
    assert (job.status, job.claimed_at, job.attempts) == ("running", now, 1)


def test_a_running_job_is_taken_over_only_after_its_lease(world):
    claimed = timezone.now() - timedelta(hours=1)
    job = job_for(world, status="running", claimed_at=claimed, attempts=1, done_rows=5000, total=20000)
    assert (
        export_job_claim(job_id=job.pk, now=claimed + EXPORT_LEASE) is None
    )  # exactly the lease: still held
    assert export_job_claim(job_id=job.pk, now=claimed + EXPORT_LEASE + TICK) == 2
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done_rows, job.claimed_at) == (
        "running",
        2,
        0,
        claimed + EXPORT_LEASE + TICK,
    )


def test_the_last_attempt_may_run_and_then_the_job_is_given_up(world):
    claimed = timezone.now() - timedelta(hours=1)
    job = job_for(world, status="running", claimed_at=claimed, attempts=MAX_ATTEMPTS - 1)
    assert export_job_claim(job_id=job.pk, now=claimed + EXPORT_LEASE + TICK) == MAX_ATTEMPTS
    later = claimed + 2 * (EXPORT_LEASE + TICK)
    assert export_job_claim(job_id=job.pk, now=later) is None
    job.refresh_from_db()
    assert (job.status, job.error, job.finished_at) == ("failed", GIVEN_UP, later)
    page = world.client_for(world.township_a_officer).get(f"/exports/{job.pk}/").content.decode()
    assert GIVEN_UP in page


def test_finished_jobs_are_never_claimed(world):
    long_ago = timezone.now() - timedelta(days=1)
    for status in ("done", "failed"):
        job = job_for(world, status=status, claimed_at=long_ago, attempts=1)
        assert export_job_claim(job_id=job.pk) is None
        job.refresh_from_db()
        assert job.status == status and job.attempts == 1


def test_a_redelivered_task_finishes_a_job_whose_worker_died(world):
    for n in range(3):
        accept(world, applicant_name=f"申请人{n}")
    job = job_for(
        world,
        status="running",
        claimed_at=timezone.now() - EXPORT_LEASE - timedelta(seconds=1),
        attempts=1,
        done_rows=2,
        total=3,
    )
    assert export_job_run(job_id=job.pk) is True
    job.refresh_from_db()
    assert (job.status, job.attempts, job.total, job.done_rows) == ("done", 2, 3, 3)
    assert job.file.name.endswith(f"-{job.pk}-2.xlsx")  # a fresh file for the new attempt


def test_a_run_whose_lease_was_taken_over_stops_and_leaves_the_job_to_the_new_one(world):
    job = job_for(world, kind="lease_test")

    def builder(job, workbook, progress):
        # Meanwhile this run's lease expired and another worker took the job over.
        ExportJob.objects.filter(pk=job.pk).update(
            claimed_at=timezone.now() - EXPORT_LEASE - timedelta(seconds=1)
        )
        assert export_job_claim(job_id=job.pk) == 2
        progress(1)
        raise AssertionError("the superseded run must stop at its first progress report")

    exports.register("lease_test", builder=builder, counter=lambda job: 1)
    try:
        assert export_job_run(job_id=job.pk) is False
    finally:
        exports.BUILDERS.pop("lease_test"), exports.COUNTERS.pop("lease_test")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("running", 2, "")  # the new attempt owns it


def test_the_sweeper_queues_stale_pending_and_running_jobs_only(world):
    accept(world)
    now = timezone.now()
    fresh_pending = job_for(world)
    old_pending = job_for(world)
    at_grace = job_for(world)
    ExportJob.objects.filter(pk=old_pending.pk).update(created_at=now - PENDING_GRACE - TICK)
    ExportJob.objects.filter(pk=at_grace.pk).update(created_at=now - PENDING_GRACE)
    live = job_for(world, status="running", claimed_at=now - EXPORT_LEASE + timedelta(seconds=30), attempts=1)
    stale = job_for(world, status="running", claimed_at=now - EXPORT_LEASE - timedelta(seconds=1), attempts=1)
    exhausted = job_for(world, status="running", claimed_at=now - EXPORT_LEASE - TICK, attempts=MAX_ATTEMPTS)
    assert export_jobs_resume(now=now) == 2  # tasks run eagerly in tests
    statuses = dict(ExportJob.objects.values_list("pk", "status"))
    assert statuses[old_pending.pk] == statuses[stale.pk] == "done"
    assert statuses[fresh_pending.pk] == statuses[at_grace.pk] == "pending"
    assert statuses[live.pk] == "running" and statuses[exhausted.pk] == "failed"
    assert export_jobs_resume(now=now) == 0  # nothing left to sweep


def test_the_sweeper_runs_from_beat(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "spreadsheets.tasks.export_jobs_resume" in schedule


def test_an_export_requested_while_the_broker_is_down_says_so_and_is_queued_later(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("spreadsheets.exports.LARGE_EXPORT_ROWS", 2)
    for n in range(3):
        accept(world, applicant_name=f"申请人{n}")
    client = world.client_for(world.township_a_officer)
    with dead_broker(), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/requests/export/", {"status": "accepted"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/exports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "pending" and job.enqueue_failed_at is not None
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert ENQUEUE_FAILED in page and "排队中" in page
    with dead_broker():
        assert export_jobs_resume() == 0  # still down: the job keeps waiting, and the page still says so
    job.refresh_from_db()
    assert job.status == "pending" and job.enqueue_failed_at is not None
    assert export_jobs_resume() == 1  # back: queued at the next sweep, however young the job
    job.refresh_from_db()
    assert (job.status, job.total, job.done_rows, job.enqueue_failed_at) == ("done", 3, 3, None)
    assert ENQUEUE_FAILED not in client.get(f"/exports/{job.pk}/").content.decode()


def test_a_finished_export_whose_file_is_gone_answers_404_not_500(world, client, settings, tmp_path):
    """A done job whose file left the media folder (a restore without media, a cleanup) is a plain 404 with
    the reason, not a server error; the file's presence is what the download answers."""
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    job = job_for(world, status="done", total=1, done_rows=1)
    job.file.save("gone.xlsx", ContentFile(b"PK"), save=True)
    client.force_login(world.township_a_officer)
    url = f"/exports/{job.pk}/download/"
    assert client.get(url).status_code == 200
    (tmp_path / job.file.name).unlink()
    answer = client.get(url)
    assert answer.status_code == 404
