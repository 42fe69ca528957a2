from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from spreadsheets.models import ExportJob, ImportJob


def _own_job(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.filter(user=request.user), pk=pk)


@login_required
def export_detail(request, pk: int):
    """The job's progress; htmx polls the fragment until the file is ready."""
    from spreadsheets.exports import ENQUEUE_FAILED, GIVEN_UP

    job = _own_job(request, pk)
    template = "spreadsheets/includes/progress.html" if request.htmx else "spreadsheets/export_detail.html"
    return render(request, template, {"job": job, "enqueue_failed": ENQUEUE_FAILED, "given_up": GIVEN_UP})


@login_required
def export_download(request, pk: int):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:  # removed from the media folder (a restore without media, a cleanup)
        raise Http404("导出文件已不存在，请重新导出。") from None
    return FileResponse(handle, as_attachment=True, filename=f"{job.title}.xlsx")


@login_required
def import_detail(request, pk: int):
    """The import's progress, to its uploader (and a superuser; anyone else: 404); htmx polls the fragment
    until it ends. New accounts' initial passwords are shown to the uploader on the first page that finds
    the job done (within a day), then erased."""
    from spreadsheets.imports import ENQUEUE_FAILED, import_job_accounts

    jobs = (
        ImportJob.objects.all() if request.user.is_superuser else ImportJob.objects.filter(user=request.user)
    )
    job = get_object_or_404(jobs, pk=pk)
    accounts, with_passwords, passwords_note = (
        import_job_accounts(job=job, viewer=request.user)
        if job.status == ImportJob.Status.DONE
        else ([], False, "")
    )
    template = (
        "spreadsheets/includes/import_progress.html" if request.htmx else "spreadsheets/import_detail.html"
    )
    context = {
        "job": job,
        "accounts": accounts,
        "with_passwords": with_passwords,
        "passwords_note": passwords_note,
        "enqueue_failed": ENQUEUE_FAILED,
    }
    return render(request, template, context)


def table_import(request, *, kind: str, description: str, result_template: str, params=None, owners=None):
    """The import page every import shares: upload, read the table with the import's limits, hand its rows
    and ``params(form data)`` to the kind's service; its result (with every bad row named, or what was
    imported) shows below. A large file is stored and imported by a task: the user goes to its page."""
    from spreadsheets.forms import TableUploadForm
    from spreadsheets.imports import IMPORT_KINDS, INLINE_MAX_BYTES, import_job_create, import_rows
    from spreadsheets.reading import TableReadError, table_precheck

    spec = IMPORT_KINDS[kind]
    result = None
    form = TableUploadForm(request.POST or None, request.FILES or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job_params = params(form.cleaned_data) if params else {}
        data = upload.read()
        try:
            if len(data) > INLINE_MAX_BYTES:
                table_precheck(data, upload.name)
                return redirect(
                    import_job_create(user=request.user, kind=kind, upload=upload, params=job_params)
                )
            rows = import_rows(spec, data, upload.name)
        except TableReadError as exc:
            form.add_error("file", str(exc))
        else:
            result = spec.run(request.user, rows, job_params)
    return render(
        request,
        "spreadsheets/table_import.html",
        {
            "form": form,
            "result": result,
            "title": spec.title,
            "description": description,
            "max_rows": spec.max_rows,
            # The user's last large imports of this kind, so a job's page is found again after leaving it.
            "recent_jobs": ImportJob.objects.filter(user=request.user, kind=kind).only(
                "pk", "filename", "status", "created_at"
            )[:5],
            "result_template": result_template,
        },
    )
