"""The permission matrix's entries of spreadsheets: an export job is its user's alone."""

from __future__ import annotations

from spreadsheets.exports import BUILDERS, export_job_create, export_job_run
from spreadsheets.models import ExportJob
from tests.permissions.engine import Ctx, Entry, logged_in, own_pk_of


def _finished_export(user) -> ExportJob:
    """A job of a registered export kind, run to the end (its file is there to download)."""
    job = export_job_create(user=user, kind=sorted(BUILDERS)[0], title="矩阵导出", params={})
    assert export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file, job.error
    return job


def build_world(ctx: Ctx) -> None:
    ctx.add_own("export", _finished_export)


ENTRIES: dict[str, Entry] = {
    "spreadsheets:export-detail": Entry("scoped", kwargs=own_pk_of("export"), get=logged_in((200, 404))),
    "spreadsheets:export-download": Entry("scoped", kwargs=own_pk_of("export"), get=logged_in((200, 404))),
}
