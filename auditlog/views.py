"""Browsing the audit log (审计日志) and the sign-in log: for county administrators in their county."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from audit import history
from auditlog import selectors
from auditlog.forms import AuditFilterForm, AuthEventFilterForm
from core import registry
from regions.roles import VIEW_AUDIT
from regions.scoping import require_somewhere

NO_AUDIT_PERMISSION = "只有县级管理员和系统管理员可以查看审计日志。"


@login_required
def event_list(request):
    require_somewhere(request.user, VIEW_AUDIT, message=NO_AUDIT_PERMISSION)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list(
        user=request.user,
        actor_id=filters.get("actor"),
        model=filters.get("model") or "",
        obj_id=filters.get("obj_id") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = history.with_actors(list(page.object_list), labels=registry.audit_labels())
    return render(request, "auditlog/event_list.html", {"form": form, "page_obj": page})


@login_required
def auth_event_list(request):
    require_somewhere(request.user, VIEW_AUDIT, message=NO_AUDIT_PERMISSION)
    form = AuthEventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.auth_event_list(user=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "auditlog/auth_event_list.html", {"form": form, "page_obj": page})
