"""A real Celery worker is killed (SIGKILL) while a large import's transaction is open; the sweeper queues
the job again and a new worker imports the kept file: every region exists once.

Separate worker processes on Redis against the test database, as in test_export_worker.py (whose helpers
this module uses), so it runs in a transactional database with a world built for the test."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.core.files.base import ContentFile

from centers.models import ServiceCenter
from regions.models import Region
from spreadsheets.imports import IMPORT_LEASE, import_jobs_resume
from spreadsheets.models import ImportJob
from tests.conftest import World, build_world
from tests.spreadsheets.workers import real_workers, start_worker, wait_for

TOWNSHIPS = range(150, 190)  # beside the world's townships; 99 villages each: about 4,000 regions
PREFIX = "419901"


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


def table() -> bytes:
    rows = ["code,name"]
    for t in TOWNSHIPS:
        rows.append(f"{PREFIX}{t}000,第{t}镇")
        rows.extend(f"{PREFIX}{t}{v},第{t}镇{v}村" for v in range(201, 300))
    return ("\n".join(rows) + "\n").encode()


def imported():
    return Region.objects.filter(code__startswith=PREFIX, code__gte=f"{PREFIX}150", code__lt=f"{PREFIX}190")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_midway_is_imported_once_by_another(world, settings):
    expected = len(TOWNSHIPS) * 100
    job = ImportJob(
        user=world.county_admin, kind="regions", title="导入统计用区划代码", filename="county.csv"
    )
    job.file.save("regions.bin", ContentFile(table()), save=False)
    job.save()
    with real_workers(settings) as workers:
        workers.append(start_worker(settings, "first"))
        from spreadsheets.tasks import import_job_run

        import_job_run.delay(job.pk)
        # Killed outright once the import's transaction is open: the state an OOM kill or a power cut leaves.
        wait_for(
            lambda: ImportJob.objects.filter(pk=job.pk, status="importing").exists(),
            seconds=120,
            what="the first worker to start importing",
        )
        time.sleep(0.3)
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        job.refresh_from_db()
        assert (job.status, job.attempts, job.total) == ("importing", 1, expected), "finished before the kill"
        assert job.file  # kept for the next attempt
        # The dead connection's transaction is rolled back by the database: nothing of it remains.
        wait_for(lambda: not imported().exists(), seconds=30, what="the dead run's transaction to go")

        # The lease runs out (time passes: the claim is dated back) and beat's sweeper queues the job again.
        ImportJob.objects.filter(pk=job.pk).update(claimed_at=job.claimed_at - IMPORT_LEASE)
        assert import_jobs_resume() == 1
        workers.append(start_worker(settings, "second"))
        wait_for(
            lambda: ImportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists(),
            seconds=300,
            what="the second worker to finish the import",
        )
    job.refresh_from_db()
    assert (job.status, job.attempts, job.errors) == ("done", 2, [])
    assert job.result["text"] == f"导入完成：新增{expected}个，更名0个，未变0个。"
    assert imported().count() == expected and not job.file
    assert ServiceCenter.objects.filter(region__in=imported()).count() == expected  # one each, not two
