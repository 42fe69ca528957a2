"""Views of the service-item catalog (服务事项清单): the list every cadre reads, and the county's and
township's own items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from centers import selectors, services
from centers.exports import service_items_to_xlsx
from centers.forms import ServiceItemFilterForm, ServiceItemForm
from centers.imports import NO_ITEMS_PERMISSION, SERVICE_ITEMS
from centers.models import ServiceItem
from centers.permissions import MANAGE_SERVICE_ITEMS
from core.http import attempt
from regions.scoping import scope_prefixes
from regions.services import list_entry_toggle
from spreadsheets.views import table_import
from spreadsheets.writing import xlsx_response


def _owners_or_403(user):
    owners = selectors.service_item_owner_choices(user=user)
    if not scope_prefixes(user, MANAGE_SERVICE_ITEMS) or not owners.exists():
        raise PermissionDenied(NO_ITEMS_PERMISSION)
    return owners


def _managed_item(request, pk: int) -> ServiceItem:
    """An item the user's county or township made (standard items are changed in the admin); else 404."""
    return get_object_or_404(
        ServiceItem.objects.maintained_by(request.user, MANAGE_SERVICE_ITEMS).select_related("region"), pk=pk
    )


def _filtered_items(request):
    form = ServiceItemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.service_items_visible(
        user=request.user,
        query=filters.get("q", ""),
        category=filters.get("category", ""),
        handling_way=filters.get("handling_way", ""),
    )
    return form, items


@login_required
def service_item_list(request):
    form, items = _filtered_items(request)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    prefixes = scope_prefixes(request.user, MANAGE_SERVICE_ITEMS)
    manageable = {
        item.pk for item in page if item.region_id and any(item.region.prefix.startswith(p) for p in prefixes)
    }
    return render(
        request,
        "centers/serviceitem_list.html",
        {
            "form": form,
            "page_obj": page,
            "manageable": manageable,
            "can_manage": bool(prefixes),
        },
    )


@login_required
def service_item_export(request):
    _, items = _filtered_items(request)
    return xlsx_response(service_items_to_xlsx(items), "服务事项.xlsx")


@login_required
def service_item_create(request):
    owners = _owners_or_403(request.user)
    form = ServiceItemForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner = data.pop("owner")
        try:
            services.service_item_create(actor=request.user, region=owner, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已添加服务事项“{data['name']}”。")
            return redirect("centers:service-item-list")
    return render(request, "centers/serviceitem_form.html", {"form": form})


@login_required
def service_item_edit(request, pk: int):
    item = _managed_item(request, pk)
    form = ServiceItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"服务事项“{item.name}”已保存。")
            return redirect("centers:service-item-list")
    return render(request, "centers/serviceitem_form.html", {"form": form, "item": item})


@login_required
@require_POST
def service_item_toggle(request, pk: int):
    item = _managed_item(request, pk)
    attempt(
        request,
        lambda: list_entry_toggle(actor=request.user, entry=item),
        lambda item: f"“{item.name}”已{'启用' if item.is_active else '停用'}。",
    )
    return redirect("centers:service-item-list")


@login_required
def service_item_import(request):
    owners = _owners_or_403(request.user)
    return table_import(
        request,
        kind=SERVICE_ITEMS.kind,
        result_template="centers/includes/serviceitem_import_result.html",
        owners=owners,
        params=lambda data: {"owner": data["owner"].pk},
        description="XLSX或CSV，第一行为表头，列依次为：事项名称、类别、办理方式（现场办/代理办/协助办/介绍办/全程办）、"
        "责任科室、所需材料（用“；”分隔）、承诺时限（工作日）、是否需要身份证号（是/否）。"
        "“导出Excel”得到的文件可直接修改后导入；同名事项会被更新。",
    )
