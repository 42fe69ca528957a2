"""Views of the service center itself: its page, details, building-standard checklist, photos, change
history, and a county's own rooms and standard items."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit import history
from centers import selectors, services
from centers.forms import CenterForm, ChecklistEntryForm, ChecklistItemForm, RoomTypeForm
from centers.models import ChecklistItem, RoomType, ServiceCenter
from centers.permissions import CHANGE_CENTER, MANAGE_CENTER_LISTS
from core import registry
from core.http import attempt, protected_file_response
from regions import services as region_services
from regions.forms import CountyChoiceForm
from regions.roles import VIEW_AUDIT
from regions.scoping import get_for_user, region_in_scope, require_somewhere
from regions.selectors import region_breadcrumbs

ONLY_VIEW = "您只能查看该党群服务中心，不能修改。"
NO_LISTS_PERMISSION = "您没有维护功能室和建设标准清单的权限。"
LIST_MODELS = {"rooms": RoomType, "items": ChecklistItem}


def _center(request, pk: int, act: str | None = None) -> ServiceCenter:
    return get_for_user(
        ServiceCenter.objects.select_related("region__parent"),
        user=request.user,
        pk=pk,
        act=act,
        message=ONLY_VIEW,
    )


def _crumbs(center: ServiceCenter, *tail) -> list:
    return [(center.region.name, center.region.get_absolute_url()), *tail]


@login_required
def center_detail(request, pk: int):
    center = _center(request, pk)
    return render(
        request,
        "centers/center_detail.html",
        {
            "center": center,
            "rooms": center.rooms.all(),
            "checklist": selectors.center_checklist(center=center),
            "breadcrumbs": region_breadcrumbs(user=request.user, region=center.region),
            "crumb_tail": _crumbs(center, (center.name, None)),
            "can_edit": region_in_scope(request.user, CHANGE_CENTER, center.region),
        },
    )


@login_required
def center_edit(request, pk: int):
    center = _center(request, pk, act=CHANGE_CENTER)
    form = CenterForm(
        request.POST or None, instance=center, room_types=RoomType.objects.applying_at(center.region)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.center_update(
                actor=request.user,
                center=center,
                version=data["version"],
                name=data["name"],
                address=data["address"],
                duty_phone=data["duty_phone"],
                opening_hours=data["opening_hours"],
                rooms=list(data["rooms"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "党群服务中心信息已保存。")
            return redirect(center)
    return render(request, "centers/center_form.html", {"center": center, "form": form})


@login_required
def checklist_entry_edit(request, pk: int, item_pk: int):
    center = _center(request, pk, act=CHANGE_CENTER)
    item = get_object_or_404(ChecklistItem.objects.applying_at(center.region), pk=item_pk)
    entry = center.checklist_entries.filter(item=item).first()
    form = ChecklistEntryForm(request.POST or None, request.FILES or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.checklist_entry_update(
                actor=request.user,
                center=center,
                item=item,
                is_met=data["is_met"],
                checked_on=data["checked_on"],
                note=data["note"],
                photo=data.get("photo"),
                remove_photo=data.get("remove_photo"),
                version=data.get("version"),
            )
        except ValidationError as exc:
            form.add_error("photo" if request.FILES else None, exc)
        else:
            messages.success(request, f"“{item.name}”已保存。")
            return redirect(center)
    return render(
        request,
        "centers/checklist_entry_form.html",
        {"center": center, "item": item, "entry": entry, "form": form},
    )


@login_required
def checklist_photo(request, pk: int):
    """Serves a checklist photo only to users who may view its center (never from a public URL)."""
    entry = selectors.checklist_photo_get_for_user(user=request.user, pk=pk)
    return protected_file_response(entry.photo, mimetypes.guess_type(entry.photo.name)[0] or "image/jpeg")


@login_required
def center_history(request, pk: int):
    """Changes to the center and its checklist entries; client addresses only for auditors."""
    center = _center(request, pk)
    events = (
        history.events()
        .filter(
            Q(pgh_model="centers.ServiceCenterEvent", pgh_obj_id=str(center.pk))
            | Q(pgh_model="centers.ChecklistEntryEvent", pgh_data__center_id=center.pk)
        )
        .order_by("-pgh_created_at", "-pgh_id")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = history.with_actors(
        list(page.object_list),
        labels=registry.audit_labels(),
        show_addresses=region_in_scope(request.user, VIEW_AUDIT, center.region),
    )
    return render(request, "centers/center_history.html", {"center": center, "page_obj": page})


@login_required
def center_lists(request):
    """A county's lists: the standard rooms and building-standard items, plus the county's own."""
    require_somewhere(request.user, MANAGE_CENTER_LISTS, message=NO_LISTS_PERMISSION)
    counties = list(selectors.center_list_counties(user=request.user)[:200])
    if not counties:
        raise PermissionDenied(NO_LISTS_PERMISSION)
    county = CountyChoiceForm(request.GET, counties=counties).chosen(counties[0]) or counties[0]
    posted = request.POST.get("form") if request.method == "POST" else None
    room_form = RoomTypeForm(request.POST if posted == "room" else None, prefix="room")
    item_form = ChecklistItemForm(request.POST if posted == "item" else None, prefix="item")
    if posted:
        county = CountyChoiceForm(request.POST, counties=counties).chosen(None)
        if county is None or posted not in ("room", "item"):
            raise Http404
        form = room_form if posted == "room" else item_form
        if form.is_valid():
            create = services.room_type_create if posted == "room" else services.checklist_item_create
            try:
                create(actor=request.user, region=county, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "已添加。")
                return redirect(f"{request.path}?county={county.code}")
    rooms, items = selectors.center_lists(user=request.user, county=county)
    return render(
        request,
        "centers/center_lists.html",
        {
            "counties": counties,
            "county": county,
            "room_form": room_form,
            "item_form": item_form,
            "rooms": rooms,
            "items": items,
        },
    )


@login_required
@require_POST
def list_entry_toggle(request, kind: str, pk: int):
    model = LIST_MODELS[kind]
    entry = get_object_or_404(
        model.objects.maintained_by(request.user, MANAGE_CENTER_LISTS).select_related("region"), pk=pk
    )
    attempt(
        request,
        lambda: region_services.list_entry_toggle(actor=request.user, entry=entry),
        lambda entry: f"“{entry.name}”已{'启用' if entry.is_active else '停用'}。",
    )
    return redirect(f"{reverse('centers:center-lists')}?county={entry.region.code}")
