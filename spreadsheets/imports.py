"""Imports of uploaded tables: each app registers its kinds (columns, row limit, the service that imports);
a small file is imported in the request, a large one is stored and imported by a task (ImportJob), so no web
worker holds a big import. Reading is bounded either way (spreadsheets.reading). All or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from spreadsheets.models import ImportJob
from spreadsheets.reading import Row, TableReadError, table_rows

# Above this size the request only stores the file and queues the import (a 256 KB sheet holds some
# thousands of rows; a people import hashes a password per new account).
INLINE_MAX_BYTES = 256 * 1024
JOB_FAILED = "导入失败，未导入任何数据，请稍后重试或联系管理员。"


@dataclass(frozen=True)
class ImportKind:
    """One import: ``run(user, rows, params)`` calls the app's service and returns its result (with
    ``errors``); ``summary(result)`` is what the job page shows after success: {"text": ..., and for new
    accounts "accounts": [[username, name, initial password], ...]}."""

    kind: str
    title: str
    columns: int  # cells read per row: the columns the import expects
    max_rows: int  # the documented maximum of data rows, shown on the upload page
    run: Callable[..., object]
    summary: Callable[[object], dict]


IMPORT_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    IMPORT_KINDS[kind.kind] = kind


def import_rows(kind: ImportKind, data: bytes, filename: str, progress=None) -> list[Row]:
    return table_rows(data, filename, max_rows=kind.max_rows, max_columns=kind.columns, progress=progress)


def import_job_create(*, user, kind: str, upload, params: dict) -> ImportJob:
    """Stores the uploaded file and queues the import after commit."""
    from spreadsheets.tasks import import_job_run as import_job_run_task

    job = ImportJob(
        user=user, kind=kind, title=IMPORT_KINDS[kind].title, params=params, filename=upload.name[:255]
    )
    upload.seek(0)
    job.file.save(f"{kind}.bin", ContentFile(upload.read()), save=False)
    job.save()
    transaction.on_commit(lambda: import_job_run_task.delay(job.id), robust=True)
    return job


def _finish(job_id: int, **fields) -> None:
    ImportJob.objects.filter(id=job_id).update(finished_at=timezone.now(), **fields)


def import_job_run(*, job_id: int) -> bool:
    """Reads and imports the stored file once: the job is claimed by a conditional update, so a duplicate
    task does nothing. The file is deleted when the job ends (it may hold personal data)."""
    if (
        ImportJob.objects.filter(id=job_id, status=ImportJob.Status.PENDING).update(
            status=ImportJob.Status.CHECKING
        )
        != 1
    ):
        return False
    job = ImportJob.objects.select_related("user").get(id=job_id)
    kind = IMPORT_KINDS[job.kind]
    try:
        with job.file.open("rb") as stored:
            data = stored.read()

        def progress(rows: int) -> None:
            ImportJob.objects.filter(id=job_id).update(done_rows=rows)

        rows = import_rows(kind, data, job.filename, progress)
        ImportJob.objects.filter(id=job_id).update(
            status=ImportJob.Status.IMPORTING, total=len(rows), done_rows=len(rows)
        )
        with transaction.atomic():
            result = kind.run(job.user, rows, job.params)
            if result.errors:
                transaction.set_rollback(True)
        if result.errors:
            _finish(job_id, status=ImportJob.Status.FAILED, errors=list(result.errors))
        else:
            _finish(job_id, status=ImportJob.Status.DONE, result=kind.summary(result))
    except TableReadError as exc:
        _finish(job_id, status=ImportJob.Status.FAILED, errors=[str(exc)])
    except (PermissionDenied, ValidationError) as exc:  # the uploader lost the right meanwhile, say
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc) or JOB_FAILED
        _finish(job_id, status=ImportJob.Status.FAILED, errors=[message])
    except Exception:
        _finish(job_id, status=ImportJob.Status.FAILED, errors=[JOB_FAILED])
        raise
    finally:
        job.file.delete(save=False)
        ImportJob.objects.filter(id=job_id).update(file="")
    return True


def import_job_accounts_shown(*, job: ImportJob) -> None:
    """The new accounts' initial passwords are shown once: after the page that showed them, only the
    accounts remain."""
    accounts = job.result.get("accounts")
    if accounts and any(len(a) > 2 and a[2] for a in accounts):
        result = {**job.result, "accounts": [[a[0], a[1], ""] for a in accounts], "passwords_shown": True}
        ImportJob.objects.filter(id=job.pk).update(result=result)
