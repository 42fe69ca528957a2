"""Views of the service-item catalog (服务事项清单) and the county working-day calendar (工作日历)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from centers import selectors, services
from centers.exports import service_items_to_xlsx
from centers.forms import (
    CalendarDayForm,
    DutyRulesForm,
    OwnerUploadForm,
    ServiceItemFilterForm,
    ServiceItemForm,
)
from centers.roles import MANAGE_CATALOG, MANAGE_SERVICE_ITEMS
from centers.scoping import scope_prefixes
from centers.services import duty
from centers.views import table_import
from spreadsheets.writing import xlsx_response


def _owners_or_403(user):
    owners = selectors.service_item_owner_choices(user=user)
    if not scope_prefixes(user, MANAGE_SERVICE_ITEMS) or not owners.exists():
        raise PermissionDenied("您没有维护服务事项的权限。")
    return owners


def _filtered_items(request):
    form = ServiceItemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.service_items_visible(user=request.user, query=filters.get("q", ""),
                                            category=filters.get("category", ""),
                                            handling_way=filters.get("handling_way", ""))
    return form, items


@login_required
def service_item_list(request):
    form, items = _filtered_items(request)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    prefixes = scope_prefixes(request.user, MANAGE_SERVICE_ITEMS)
    manageable = {item.pk for item in page
                  if item.region_id and any(item.region.prefix.startswith(p) for p in prefixes)}
    return render(request, "centers/serviceitem_list.html", {
        "form": form, "page_obj": page, "manageable": manageable, "can_manage": bool(prefixes),
    })


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
    item = selectors.service_item_get_for_manager(user=request.user, pk=pk)
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
    item = selectors.service_item_get_for_manager(user=request.user, pk=pk)
    services.service_item_toggle(actor=request.user, item=item)
    messages.success(request, f"“{item.name}”已{'启用' if item.is_active else '停用'}。")
    return redirect("centers:service-item-list")


@login_required
def service_item_import(request):
    owners = _owners_or_403(request.user)
    return table_import(request, "centers/serviceitem_import.html", lambda rows, data: services.service_items_import(
        actor=request.user, region=data["owner"], rows=rows), form_class=OwnerUploadForm, owners=owners)


@login_required
def calendar(request):
    """A county's working-day calendar for one year: holidays on weekdays and make-up working days."""
    if not scope_prefixes(request.user, MANAGE_CATALOG):
        raise PermissionDenied("只有县级管理员可以维护工作日历。")
    counties = list(selectors.catalog_counties(user=request.user)[:200])
    if not counties:
        raise PermissionDenied("只有县级管理员可以维护工作日历。")
    code = request.POST.get("county") or request.GET.get("county")
    county = next((c for c in counties if c.code == code), counties[0])
    year = _year(request.GET.get("year"))
    rules = duty.duty_rules_for(county)
    rules_form = DutyRulesForm(request.POST if request.POST.get("form") == "rules" else None, prefix="rules",
                               initial={"starts_at": rules.starts_at, "ends_at": rules.ends_at, "cutoff": rules.cutoff,
                                        "grace_minutes": rules.grace_minutes})
    if request.POST.get("form") == "rules":
        if rules_form.is_valid():
            try:
                duty.duty_rules_set(actor=request.user, county=county, **rules_form.cleaned_data)
            except ValidationError as exc:
                rules_form.add_error(None, exc)
            else:
                messages.success(request, "坐班规定已保存。")
                return redirect(f"{request.path}?county={county.code}&year={year}")
    form = CalendarDayForm(request.POST if request.POST.get("form") != "rules" else None)
    if request.method == "POST" and request.POST.get("form") != "rules" and form.is_valid():
        data = form.cleaned_data
        try:
            services.calendar_day_set(actor=request.user, county=county, day=data["date"], kind=data["kind"],
                                      name=data["name"])
        except ValidationError as exc:
            form.add_error("date", exc)
        else:
            messages.success(request, f"{data['date']:%Y年%m月%d日}已设置。")
            return redirect(f"{request.path}?county={county.code}&year={data['date'].year}")
    return render(request, "centers/calendar.html", {
        "counties": counties, "county": county, "year": year, "form": form, "rules_form": rules_form,
        "days": selectors.calendar_days(county=county, year=year),
        "years": [year - 1, year, year + 1],
    })


@login_required
@require_POST
def calendar_day_delete(request, pk: int):
    entry = selectors.calendar_day_get_for_user(user=request.user, pk=pk)
    services.calendar_day_remove(actor=request.user, entry=entry)
    messages.success(request, f"{entry.date:%Y年%m月%d日}已恢复为按周安排。")
    return redirect(f"/calendar/?county={entry.county.code}&year={entry.date.year}")


def _year(value: str | None) -> int:
    today = timezone.localdate()
    return int(value) if value and value.isdigit() and 2000 <= int(value) <= 2100 else today.year

