"""The permission matrix's entries of spreadsheets: an export job is its user's alone; an import job its
uploader's (and a superuser's)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from spreadsheets.exports import BUILDERS, export_job_create, export_job_run
from spreadsheets.imports import import_job_create, import_job_run
from spreadsheets.models import ExportJob, ImportJob
from tests.permissions.engine import Ctx, Entry, logged_in, own_pk_of, row


def _finished_export(user) -> ExportJob:
    """A job of a registered export kind, run to the end (its file is there to download)."""
    job = export_job_create(user=user, kind=sorted(BUILDERS)[0], title="矩阵导出", params={})
    assert export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file, job.error
    return job


def _finished_import(user) -> ImportJob:
    """A division import run to its end (done, or refused for a user who may not import regions)."""
    upload = SimpleUploadedFile("t.csv", "code,name\n419901101000,安乐镇\n".encode())
    job = import_job_create(user=user, kind="regions", upload=upload, params={})
    assert import_job_run(job_id=job.pk)
    return job


def build_world(ctx: Ctx) -> None:
    ctx.add_own("export", _finished_export)
    ctx.add_own("import", _finished_import)


ENTRIES: dict[str, Entry] = {
    "spreadsheets:export-detail": Entry("scoped", kwargs=own_pk_of("export"), get=logged_in((200, 404))),
    "spreadsheets:export-download": Entry("scoped", kwargs=own_pk_of("export"), get=logged_in((200, 404))),
    "spreadsheets:import-detail": Entry(
        "scoped",
        kwargs=own_pk_of("import"),
        get=row(302, (200, 404), (200, 404), (200, 404), (200, 404), (200, 404), (200, 200)),
    ),
}
