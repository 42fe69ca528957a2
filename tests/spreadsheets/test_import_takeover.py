"""An import taken over while its first run's transaction is still open (another worker's claim, on its
own connection) is kept once: the first run rolls back, the attempt that owns the job imports.

The takeover must commit on its own, so this module runs in a transactional database with a world built
for the test (see test_export_worker.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connections

from regions.imports import REGIONS
from regions.models import Region
from spreadsheets import imports
from spreadsheets.imports import IMPORT_LEASE, ImportKind, import_job_run, import_jobs_resume
from spreadsheets.models import ImportJob
from tests.conftest import World, build_world

TICK = timedelta(microseconds=1)
CODES = ["419901103000", "419901103201"]
TABLE = ("code,name\n" + f"{CODES[0]},新兴镇\n{CODES[1]},新兴村\n").encode()


def job_for(world, kind: str) -> ImportJob:
    job = ImportJob(user=world.county_admin, kind=kind, title="测试", filename="t.csv")
    job.file.save("regions.bin", ContentFile(TABLE), save=False)
    job.save()
    return job


def imported() -> int:
    return Region.objects.filter(code__in=CODES).count()


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


@pytest.mark.django_db(transaction=True)
def test_an_import_taken_over_while_importing_is_rolled_back_and_the_new_attempt_keeps_its_own(
    world,
):
    """Another worker's claim (its own connection, committed) lands while the first run's import is open:
    that run's end matches nothing and its import rolls back; the attempt that owns the job imports from
    the kept file. The rows exist once."""
    runs = []

    def run(user, rows, params):
        result = REGIONS.run(user, rows, params)
        runs.append(result.created)
        if len(runs) == 1:
            other = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with other.cursor() as cursor:  # autocommit: the takeover is visible at once
                    cursor.execute(
                        f"UPDATE {ImportJob._meta.db_table} SET attempts = attempts + 1, "  # noqa: S608
                        "status = 'checking', claimed_at = now() WHERE id = %s",
                        [job.pk],
                    )
            finally:
                other.close()
        return result

    imports.register(
        ImportKind(kind="lease_test", title="测试", columns=2, max_rows=10, run=run, summary=REGIONS.summary)
    )
    try:
        job = job_for(world, kind="lease_test")
        assert import_job_run(job_id=job.pk) is False
        job.refresh_from_db()
        assert (job.status, job.attempts, imported()) == ("checking", 2, 0)  # rolled back
        assert job.file  # kept for the attempt that owns the job now
        # That attempt's worker dies too: once its lease has run out (the claim dated back), the sweep
        # runs the job a third time.
        ImportJob.objects.filter(pk=job.pk).update(claimed_at=job.claimed_at - IMPORT_LEASE - TICK)
        assert import_jobs_resume() == 1
    finally:
        imports.IMPORT_KINDS.pop("lease_test")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result["text"]) == (
        "done",
        3,
        "导入完成：新增2个，更名0个，未变0个。",
    )
    assert runs == [2, 2] and imported() == 2 and not job.file
