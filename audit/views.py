from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.models import User
from audit import selectors
from audit.forms import RECORD_TYPES, AuditFilterForm, AuthEventFilterForm
from centers.roles import VIEW_AUDIT
from centers.scoping import scope_prefixes

RECORD_LABELS = dict(RECORD_TYPES)


def _require_audit(user) -> None:
    if not scope_prefixes(user, VIEW_AUDIT):
        raise PermissionDenied("只有县级管理员和系统管理员可以查看审计日志。")


def _with_actors(events: list) -> list:
    """Attaches actor users to a page of events in one query."""
    ids = {e.pgh_context.get("user") for e in events if e.pgh_context and e.pgh_context.get("user")}
    users = User.objects.in_bulk(ids)
    for event in events:
        context = event.pgh_context or {}
        event.actor = users.get(context.get("user"))
        event.actor_label = (event.actor.real_name if event.actor else context.get("task")) or "系统"
        event.client_address = context.get("ip") or "—"
        event.record_label = RECORD_LABELS.get(event.pgh_model, event.pgh_model)
    return events


@login_required
def event_list(request):
    _require_audit(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list(user=request.user, actor_id=filters.get("actor"),
                                        model=filters.get("model") or "", obj_id=filters.get("obj_id") or "",
                                        date_from=filters.get("date_from"), date_to=filters.get("date_to"))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = _with_actors(list(page.object_list))
    return render(request, "audit/event_list.html", {"form": form, "page_obj": page})


@login_required
def auth_event_list(request):
    _require_audit(request.user)
    form = AuthEventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.auth_event_list(user=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/auth_event_list.html", {"form": form, "page_obj": page})


@login_required
def center_history(request, pk: int):
    center = selectors.center_for_history(user=request.user, pk=pk)
    page = Paginator(selectors.center_history(center=center), 50).get_page(request.GET.get("page"))
    page.object_list = _with_actors(list(page.object_list))
    if not scope_prefixes(request.user, VIEW_AUDIT):
        # Client addresses are for auditors; everyone in scope sees who changed what and when.
        for event in page.object_list:
            event.client_address = "—"
    return render(request, "audit/center_history.html", {"center": center, "page_obj": page})
