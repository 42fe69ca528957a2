"""The 积案 list: petitions still open longer than the county's limit, the oldest first (B.1.6)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from mediation.permissions import VIEW_DISPUTES
from mediation.selectors_backlog import backlog_for_user, petition_age
from regions.scoping import require_somewhere

NO_VIEW = "您没有查看矛盾纠纷案件的权限。"
PAGE_SIZE = 50


@login_required
def backlog(request):
    require_somewhere(request.user, VIEW_DISPUTES, message=NO_VIEW)
    today = timezone.localdate()
    page = Paginator(backlog_for_user(user=request.user, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(d, petition_age(d.petition_started_on, today)) for d in page]
    return render(request, "mediation/backlog.html", {"page_obj": page, "rows": rows, "today": today})


urlpatterns = [path("backlog/", backlog, name="backlog")]
