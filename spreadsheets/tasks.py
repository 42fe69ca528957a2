from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=30 * 60, time_limit=35 * 60)
def export_job_run(job_id: int) -> bool:
    from audit.context import task_context
    from spreadsheets.exports import export_job_run

    with task_context("spreadsheets.export_job_run"):
        return export_job_run(job_id=job_id)


@shared_task(acks_late=True)
def export_jobs_resume() -> int:
    """Beat: queues export jobs that were never queued or whose worker died (spreadsheets.exports)."""
    from spreadsheets.exports import export_jobs_resume

    return export_jobs_resume()


@shared_task(acks_late=True, soft_time_limit=30 * 60, time_limit=35 * 60)
def import_job_run(job_id: int) -> bool:
    from audit.context import task_context
    from spreadsheets.imports import import_job_run
    from spreadsheets.models import ImportJob

    # The import's changes are the uploader's: the audit trail names them, as it does for an inline import.
    user_id = ImportJob.objects.filter(id=job_id).values_list("user_id", flat=True).first()
    with task_context("spreadsheets.import_job_run", actor_id=user_id):
        return import_job_run(job_id=job_id)


@shared_task(acks_late=True)
def import_jobs_resume() -> int:
    """Beat: queues import jobs that were never queued or whose worker died, and erases initial passwords
    nobody looked at in time (spreadsheets.imports)."""
    from spreadsheets.imports import import_jobs_resume

    return import_jobs_resume()
