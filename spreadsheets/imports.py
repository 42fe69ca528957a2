"""Imports of uploaded tables: each app registers its kinds (columns, row limit, the service that imports);
a small file is imported in the request, a large one is stored and imported by a task (ImportJob), so no web
worker holds a big import. Reading is bounded either way (spreadsheets.reading). All or nothing.

A job runs under a lease (spreadsheets.jobs): a redelivered task or the beat sweeper takes over a job whose
worker died and runs the import again from the stored file, which is kept until the job ends for good.
The import and the job's end commit in one transaction conditional on the attempt, so of a run that was
taken over and the one that took it over, exactly one import is kept."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from spreadsheets.jobs import (
    JobQueue,
    Superseded,
    job_claim,
    job_enqueue_on_commit,
    job_owned,
    jobs_resume,
)
from spreadsheets.models import ImportJob
from spreadsheets.reading import Row, TableReadError, table_rows

# Above this size the request only stores the file and queues the import (a 256 KB sheet holds some
# thousands of rows; a people import hashes a password per new account).
INLINE_MAX_BYTES = 256 * 1024
JOB_FAILED = "导入失败，未导入任何数据，请稍后重试或联系管理员。"
GIVEN_UP = "导入多次中断，已停止重试，未导入任何数据。请拆分文件后重新导入，或联系管理员。"
ENQUEUE_FAILED = (
    "导入任务已登记，但暂时无法提交到后台队列；系统会在几分钟内自动重新提交，请稍后刷新本页查看进度。"
)
# Reading renews the lease every 1,000 rows, but the import itself is one transaction that cannot report
# (its writes are invisible until commit): the lease outlives the task's hard time limit (35 minutes), so a
# live run is never taken over; were it taken over, its commit would match nothing and roll back.
IMPORT_LEASE = timedelta(minutes=40)
IMPORT_QUEUE = JobQueue(
    model=ImportJob,
    task="import_job_run",
    running=(ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING),
    claimed_status=ImportJob.Status.CHECKING,
    lease=IMPORT_LEASE,
    given_up={"errors": [GIVEN_UP]},
    reset={"done_rows": 0, "total": 0},
)
# New accounts' initial passwords are stored encrypted (never in plain text), shown once to the uploader
# and then erased; unseen, they are erased after this long (on view, and by the sweeper).
PASSWORDS_KEPT = timedelta(hours=24)
PASSWORDS_GONE = "新账号的初始密码已在导入完成时显示过一次，如未记下，请在人员页面为其重置密码。"
PASSWORDS_EXPIRED = "新账号的初始密码超过24小时未查看，已按规定清除，请在人员页面为其重置密码。"


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


STORAGE_UNWRITABLE = "文件未能保存：服务器的文件存储目前不可写入，没有导入任何内容。请稍后重试；如仍不成功，请联系管理员检查存储空间和目录权限。"


def import_job_create(*, user, kind: str, upload, params: dict) -> ImportJob:
    """Stores the uploaded file and queues the import after commit (a broker that is down leaves the job
    pending, marked as not queued, for the sweeper)."""
    job = ImportJob(
        user=user, kind=kind, title=IMPORT_KINDS[kind].title, params=params, filename=upload.name[:255]
    )
    upload.seek(0)
    try:
        job.file.save(f"{kind}.bin", ContentFile(upload.read()), save=False)
    except OSError as exc:  # a full or read-only media folder: said on the page, nothing stored
        raise TableReadError(STORAGE_UNWRITABLE) from exc
    try:
        job.save()
    except BaseException:
        job.file.delete(save=False)  # no file without its job
        raise
    job_enqueue_on_commit(IMPORT_QUEUE, job_id=job.id)
    return job


def import_job_claim(*, job_id: int, now: datetime | None = None) -> int | None:
    return job_claim(IMPORT_QUEUE, job_id=job_id, now=now)


def _forget_file(job: ImportJob) -> None:
    """The stored upload may hold personal data: it goes when the job has ended for good."""
    job.file.delete(save=False)
    ImportJob.objects.filter(id=job.id).update(file="")


def import_job_run(*, job_id: int) -> bool:
    """Reads and imports the stored file under a claim: a duplicate task finds the lease held and does
    nothing; a task for a job whose lease expired takes it over and runs the import again. Returns whether
    this run ended the job."""
    attempt = import_job_claim(job_id=job_id)
    if attempt is None:
        return False
    mine = job_owned(IMPORT_QUEUE, job_id=job_id, attempt=attempt)
    job = ImportJob.objects.select_related("user").get(id=job_id)
    kind = IMPORT_KINDS[job.kind]

    def end(**fields) -> bool:
        return mine.update(finished_at=timezone.now(), **fields) == 1

    try:
        with job.file.open("rb") as stored:
            data = stored.read()

        def progress(rows: int) -> None:
            # The heartbeat renews the lease; a run whose lease was taken over stops here.
            if mine.update(done_rows=rows, claimed_at=timezone.now()) != 1:
                raise Superseded

        rows = import_rows(kind, data, job.filename, progress)
        if mine.update(status=ImportJob.Status.IMPORTING, total=len(rows), done_rows=len(rows)) != 1:
            raise Superseded
        with transaction.atomic():
            result = kind.run(job.user, rows, job.params)
            if result.errors:
                transaction.set_rollback(True)
            # Committed with the import, and only while this attempt owns the job (else all rolls back).
            elif not end(status=ImportJob.Status.DONE, result=_sealed(kind.summary(result))):
                raise Superseded
        ended = end(status=ImportJob.Status.FAILED, errors=list(result.errors)) if result.errors else True
    except Superseded:
        return False
    except TableReadError as exc:
        ended = end(status=ImportJob.Status.FAILED, errors=[str(exc)])
    except (PermissionDenied, ValidationError) as exc:  # the uploader lost the right meanwhile, say
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc) or JOB_FAILED
        ended = end(status=ImportJob.Status.FAILED, errors=[message])
    except Exception:
        if end(status=ImportJob.Status.FAILED, errors=[JOB_FAILED]):
            _forget_file(job)
        raise
    if ended:
        _forget_file(job)
    return ended


def import_jobs_resume(*, now: datetime | None = None) -> int:
    """The sweeper (beat): queues import jobs never picked up or whose worker died (as for exports), erases
    initial passwords nobody looked at in time, and deletes the stored files of jobs given up."""
    now = now or timezone.now()
    queued = jobs_resume(IMPORT_QUEUE, now=now)
    for job in ImportJob.objects.filter(
        status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED], finished_at__lte=now
    ).exclude(file=""):
        _forget_file(job)
    for job in ImportJob.objects.filter(result__has_key="passwords", finished_at__lt=now - PASSWORDS_KEPT):
        _passwords_take(job=job, now=now)
    return queued


def _fernet() -> MultiFernet:
    """A key derived from SECRET_KEY (and its fallbacks, so a rotation still opens unseen passwords)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac("spreadsheets.import-passwords", "", secret=k, algorithm="sha256").digest()
                )
            )
            for k in keys
        ]
    )


def _sealed(summary: dict) -> dict:
    """The summary as stored: accounts as [username, name]; their passwords, in the same order, encrypted."""
    accounts = summary.get("accounts")
    if not accounts:
        return summary
    passwords = json.dumps([a[2] for a in accounts]).encode()
    return {
        **summary,
        "accounts": [[a[0], a[1]] for a in accounts],
        "passwords": _fernet().encrypt(passwords).decode(),
    }


def _passwords_take(*, job: ImportJob, now: datetime | None = None) -> list[str] | None:
    """Erases the job's encrypted passwords and returns them (None when already taken, or when the job
    finished more than a day ago). The erasing update is conditional: of two views at once, only one
    gets them."""
    token = job.result.get("passwords")
    if not token:
        return None
    now = now or timezone.now()
    result = {k: v for k, v in job.result.items() if k != "passwords"}
    passwords = None
    if job.finished_at and job.finished_at >= now - PASSWORDS_KEPT:
        try:
            passwords = json.loads(
                _fernet().decrypt_at_time(
                    token.encode(), int(PASSWORDS_KEPT.total_seconds()), int(now.timestamp())
                )
            )
        except InvalidToken:  # older than a day by its own stamp (or the key is gone)
            pass
    result["passwords_shown" if passwords else "passwords_expired"] = True
    taken = ImportJob.objects.filter(id=job.pk, result__passwords=token).update(result=result)
    job.result = result
    return passwords if taken == 1 else None


def import_job_accounts(*, job: ImportJob, viewer) -> tuple[list[list[str]], bool, str]:
    """The new accounts a finished job shows to ``viewer``: [username, name(, initial password)], whether
    the passwords are in it (the uploader's first look, within a day), and else why not. The passwords are
    erased by this first look."""
    accounts = [a[:2] for a in job.result.get("accounts") or []]
    if not accounts:
        return [], False, ""
    passwords = _passwords_take(job=job) if viewer.pk == job.user_id else None
    if passwords and len(passwords) == len(accounts):
        return [[*a, p] for a, p in zip(accounts, passwords, strict=True)], True, ""
    return accounts, False, PASSWORDS_EXPIRED if job.result.get("passwords_expired") else PASSWORDS_GONE
