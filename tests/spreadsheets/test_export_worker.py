"""A real Celery worker is killed (SIGKILL) in the middle of a large export; the sweeper queues the job again
and a new worker takes it over and finishes it with every row.

The workers are separate processes (``celery worker``) on Redis against the test database, so this module
runs in a transactional database with a world built for the test (see tests/notifications/test_worker.py).
"""

from __future__ import annotations

import io
import os
import signal
from datetime import timedelta

import pgtrigger
import pytest
from django.db import connection
from openpyxl import load_workbook

from centers.models import ProxyRequest
from spreadsheets.exports import EXPORT_LEASE, export_jobs_resume
from spreadsheets.models import ExportJob
from tests.centers.builders import accept
from tests.conftest import World, build_world
from tests.spreadsheets.workers import real_workers, start_worker, wait_for

ROWS = 20_000  # progress is reported every 5,000 rows: the worker is killed after the first report


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


def many_requests(world, count: int) -> None:
    """``count`` + 1 accepted requests of village A1: one through the service, ``count`` copies of it made
    by one INSERT ... SELECT (row by row through the ORM takes minutes on a busy machine)."""
    template = accept(world, applicant_name="模板")
    columns = [f.column for f in ProxyRequest._meta.concrete_fields if not f.primary_key]
    values = [
        {"number": "'WP' || lpad(n::text, 8, '0')", "receipt_code": "'R' || lpad(n::text, 8, '0')"}.get(
            c, f'"{c}"'
        )
        for c in columns
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    # Copies of a test row need no audit history of their own: the history trigger is skipped for them.
    with pgtrigger.ignore("centers.ProxyRequest:insert_insert"), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ProxyRequest._meta.db_table} ({names}) "  # noqa: S608 (model metadata only)
            f"SELECT {', '.join(values)} FROM {ProxyRequest._meta.db_table}, generate_series(1, %s) AS n "
            "WHERE id = %s",
            [count, template.pk],
        )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_export_whose_worker_is_killed_midway_is_finished_by_another(world, settings):
    many_requests(world, ROWS)
    job = ExportJob.objects.create(
        user=world.township_a_officer, kind="proxy_requests", title="代办登记簿", params={}
    )
    with real_workers(settings) as workers:
        workers.append(start_worker(settings, "first"))
        from spreadsheets.tasks import export_job_run

        export_job_run.delay(job.pk)
        # Killed outright once it has reported progress: the state an OOM kill or a power cut leaves.
        wait_for(
            lambda: ExportJob.objects.filter(pk=job.pk, status="running", done_rows__gt=0).exists(),
            seconds=120,
            what="the first worker to report progress",
        )
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        job.refresh_from_db()
        assert job.status == "running" and 0 < job.done_rows < ROWS and job.attempts == 1, job.percent

        # The lease runs out (time passes: the claim is dated back) and beat's sweeper queues the job again.
        ExportJob.objects.filter(pk=job.pk).update(claimed_at=job.claimed_at - EXPORT_LEASE)
        assert export_jobs_resume() == 1
        workers.append(start_worker(settings, "second"))
        wait_for(
            lambda: ExportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists(),
            seconds=180,
            what="the second worker to finish the export",
        )
    job.refresh_from_db()
    assert (job.status, job.attempts, job.total, job.done_rows, job.error) == (
        "done",
        2,
        ROWS + 1,
        ROWS + 1,
        "",
    )
    with job.file.open("rb") as handle:
        rows = list(
            load_workbook(io.BytesIO(handle.read()), read_only=True).active.iter_rows(values_only=True)
        )
    assert sum(1 for row in rows if str(row[0]).startswith("WP")) == ROWS
    assert job.finished_at - job.claimed_at < timedelta(minutes=10)
