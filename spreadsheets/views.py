from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from spreadsheets.models import ExportJob


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
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=f"{job.title}.xlsx")


def table_import(request, *, title: str, description: str, run, result_template: str, owners=None):
    """The import page every import shares: upload, read the table, hand its rows and the form's data to
    ``run(rows, data)``; its result (with every bad row named, or what was imported) shows below."""
    from spreadsheets.forms import TableUploadForm
    from spreadsheets.reading import TableReadError, table_rows

    result = None
    form = TableUploadForm(request.POST or None, request.FILES or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = table_rows(upload.read(), upload.name)
        except TableReadError as exc:
            form.add_error("file", str(exc))
        else:
            result = run(rows, form.cleaned_data)
    return render(
        request,
        "spreadsheets/table_import.html",
        {
            "form": form,
            "result": result,
            "title": title,
            "description": description,
            "result_template": result_template,
        },
    )
