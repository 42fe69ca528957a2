"""Import jobs survive faults as export jobs do (the same mechanism, spreadsheets.jobs): the claim is a
lease, a lost worker's job is taken over and imported from the kept file exactly once, the sweeper queues
what was never queued, and a broker that is down at upload time is said on the job's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from regions.models import Region
from spreadsheets import imports
from spreadsheets.imports import (
    ENQUEUE_FAILED,
    GIVEN_UP,
    IMPORT_LEASE,
    import_job_claim,
    import_job_run,
    import_jobs_resume,
)
from spreadsheets.jobs import MAX_ATTEMPTS, PENDING_GRACE
from spreadsheets.models import ImportJob
from tests.spreadsheets.brokers import dead_broker

pytestmark = pytest.mark.django_db

TICK = timedelta(microseconds=1)
CODES = ["419901103000", "419901103201"]
TABLE = ("code,name\n" + f"{CODES[0]},新兴镇\n{CODES[1]},新兴村\n").encode()


def job_for(world, kind: str = "regions", **fields) -> ImportJob:
    """A stored regions upload, as the request leaves it, in the state ``fields`` say."""
    job = ImportJob(
        user=world.county_admin, kind=kind, title="导入统计用区划代码", filename="t.csv", **fields
    )
    job.file.save("regions.bin", ContentFile(TABLE), save=False)
    job.save()
    return job


def imported() -> int:
    return Region.objects.filter(code__in=CODES).count()


def test_a_pending_import_is_claimed_once(world):
    job, now = job_for(world), timezone.now()
    assert import_job_claim(job_id=job.pk, now=now) == 1
    assert import_job_claim(job_id=job.pk, now=now) is None  # the duplicate task does nothing
    job.refresh_from_db()
    assert (job.status, job.claimed_at, job.attempts) == ("checking", now, 1)


@pytest.mark.parametrize("status", ["checking", "importing"])
def test_a_running_import_is_taken_over_only_after_its_lease(world, status):
    claimed = timezone.now() - timedelta(hours=2)
    job = job_for(world, status=status, claimed_at=claimed, attempts=1, done_rows=1000, total=2000)
    assert import_job_claim(job_id=job.pk, now=claimed + IMPORT_LEASE) is None  # exactly the lease: held
    assert import_job_claim(job_id=job.pk, now=claimed + IMPORT_LEASE + TICK) == 2
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done_rows, job.total) == ("checking", 2, 0, 0)


def test_the_last_attempt_may_run_and_then_the_import_is_given_up_and_its_file_deleted(world):
    claimed = timezone.now() - timedelta(hours=3)
    job = job_for(world, status="checking", claimed_at=claimed, attempts=MAX_ATTEMPTS - 1)
    assert import_job_claim(job_id=job.pk, now=claimed + IMPORT_LEASE + TICK) == MAX_ATTEMPTS
    later = claimed + 2 * (IMPORT_LEASE + TICK)
    assert import_job_claim(job_id=job.pk, now=later) is None
    job.refresh_from_db()
    assert (job.status, job.errors, job.finished_at) == ("failed", [GIVEN_UP], later)
    assert job.file  # the file of a job given up by a claim goes at the next sweep
    import_jobs_resume()
    job.refresh_from_db()
    assert not job.file and imported() == 0
    page = world.client_for(world.county_admin).get(f"/exports/imports/{job.pk}/").content.decode()
    assert GIVEN_UP in page and "未导入任何数据" in page


def test_finished_imports_are_never_claimed(world):
    long_ago = timezone.now() - timedelta(days=1)
    for status in ("done", "failed"):
        job = job_for(world, status=status, claimed_at=long_ago, attempts=1)
        assert import_job_claim(job_id=job.pk) is None
        job.refresh_from_db()
        assert job.status == status and job.attempts == 1


def test_the_sweeper_takes_over_an_import_whose_worker_died_and_imports_it_once(world):
    now = timezone.now()
    # A worker killed while reading: the claim is stale, and the stored file is still there.
    stale = job_for(world, status="checking", claimed_at=now - IMPORT_LEASE - TICK, attempts=1, done_rows=1)
    live = job_for(world, status="checking", claimed_at=now - IMPORT_LEASE, attempts=1)
    fresh = job_for(world)
    old = job_for(world)
    ImportJob.objects.filter(pk=old.pk).update(created_at=now - PENDING_GRACE - TICK)
    assert import_jobs_resume(now=now) == 2  # tasks run eagerly in tests: the stale one, then the old one
    stale.refresh_from_db()
    assert (stale.status, stale.attempts, stale.total, stale.errors) == ("done", 2, 2, [])
    assert not stale.file  # deleted once the job ended for good
    assert imported() == 2  # the old pending job ran too and changed nothing: its rows were there already
    assert ImportJob.objects.get(pk=old.pk).result["text"] == "导入完成：新增0个，更名0个，未变2个。"
    assert dict(ImportJob.objects.filter(pk__in=[live.pk, fresh.pk]).values_list("pk", "status")) == {
        live.pk: "checking",
        fresh.pk: "pending",
    }
    assert import_jobs_resume(now=now) == 0  # nothing left to sweep
    assert import_job_run(job_id=stale.pk) is False  # a late redelivery does nothing
    assert imported() == 2


def test_an_import_whose_run_fails_ends_for_good_and_forgets_the_file(world):
    job = job_for(world)
    job.file.storage.delete(job.file.name)  # an unreadable file: the run raises
    with pytest.raises(FileNotFoundError):
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.errors, job.file.name) == ("failed", [imports.JOB_FAILED], "")


def test_the_import_sweeper_runs_from_beat(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "spreadsheets.tasks.import_jobs_resume" in schedule


def test_an_import_uploaded_while_the_broker_is_down_says_so_and_is_imported_later(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "INLINE_MAX_BYTES", 0)
    client = world.client_for(world.county_admin)
    with dead_broker(), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/regions/import/", {"file": SimpleUploadedFile("t.csv", TABLE)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/exports/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "pending" and job.enqueue_failed_at is not None and job.file
    page = client.get(response.url).content.decode()
    assert ENQUEUE_FAILED in page and "排队中" in page
    with dead_broker():
        assert import_jobs_resume() == 0  # still down: the job keeps waiting, and the page still says so
    job.refresh_from_db()
    assert job.status == "pending" and job.enqueue_failed_at is not None and imported() == 0
    assert ENQUEUE_FAILED in client.get(response.url).content.decode()
    assert import_jobs_resume() == 1  # back: queued at the next sweep, however young the job
    job.refresh_from_db()
    assert (job.status, job.total, job.enqueue_failed_at, job.file.name) == ("done", 2, None, "")
    assert imported() == 2
    page = client.get(response.url).content.decode()
    assert ENQUEUE_FAILED not in page and "导入完成：新增2个" in page
