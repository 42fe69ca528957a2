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
