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
    job = _own_job(request, pk)
    template = "spreadsheets/includes/progress.html" if request.htmx else "spreadsheets/export_detail.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk: int):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=f"{job.title}.xlsx")
