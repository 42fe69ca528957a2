from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from centers import selectors, services
from centers.forms import (
    CenterForm,
    ChecklistEntryForm,
    ChecklistItemForm,
    PersonCreateForm,
    PostGrantForm,
    RegionSearchForm,
    RoomTypeForm,
    TableUploadForm,
)
from centers.models import ChecklistItem, RoomType
from centers.panels import panels_for
from centers.roles import CHANGE_CENTER, IMPORT_REGIONS, LEVEL_DEPTH, MANAGE_CATALOG, MANAGE_PEOPLE
from centers.scoping import region_in_scope, scope_prefixes
from spreadsheets.reading import TableReadError, table_rows


def _require_any(user, perm: str) -> tuple[str, ...]:
    """Pages that act on the user's whole scope (imports, people) need the permission somewhere."""
    prefixes = scope_prefixes(user, perm)
    if not prefixes:
        raise PermissionDenied("您没有此项权限。")
    return prefixes


@login_required
def home(request):
    """Each role lands on its own region's page: the shallowest region among its active posts."""
    posts = sorted(selectors.user_active_posts(user=request.user),
                   key=lambda p: (LEVEL_DEPTH[p.region.level], p.started_on))
    if posts:
        return redirect(posts[0].region.get_absolute_url())
    tops = list(selectors.user_top_regions(user=request.user)[:50])
    if len(tops) == 1:
        return redirect(tops[0].get_absolute_url())
    return render(request, "centers/home_no_post.html", {"regions": tops})


@login_required
def region_detail(request, code: str):
    region = selectors.region_get_for_user(user=request.user, code=code)
    panels = [(panel, panel.selector(user=request.user, region=region)) for panel in panels_for(region.level)]
    return render(request, "centers/region_detail.html", {
        "region": region,
        "breadcrumbs": selectors.region_breadcrumbs(user=request.user, region=region),
        "panels": panels,
        "can_manage_people": region_in_scope(request.user, MANAGE_PEOPLE, region),
        "can_import": region_in_scope(request.user, IMPORT_REGIONS, region),
    })


@login_required
def region_search(request):
    form = RegionSearchForm(request.GET)
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        page = Paginator(selectors.region_search(user=request.user, query=form.cleaned_data["q"]), 50).get_page(
            request.GET.get("page"))
    return render(request, "centers/region_search.html", {"form": form, "page_obj": page})


def report_scope(request, default_start):
    """Region (``?region=``, default the user's own) and period (``?from=&to=``) of a figures page."""
    import datetime as dt

    from django.utils import timezone

    code = request.GET.get("region")
    region = (selectors.region_get_for_user(user=request.user, code=code) if code
              else next(iter(selectors.user_top_regions(user=request.user)[:1]), None))
    if region is None:
        raise PermissionDenied("您没有可查看的区划。")
    dates = []
    for key, default in (("from", default_start), ("to", timezone.localdate())):
        try:
            dates.append(dt.date.fromisoformat(request.GET.get(key) or ""))
        except ValueError:
            dates.append(default)
    return region, dates[0], dates[1]


def table_import(request, template: str, run, form_class=TableUploadForm, **form_kwargs):
    """Upload page shared by the imports: read the table, hand its rows and the form's data to ``run``."""
    result = None
    form = form_class(request.POST or None, request.FILES or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = table_rows(upload.read(), upload.name)
        except TableReadError as exc:
            form.add_error("file", str(exc))
        else:
            result = run(rows, form.cleaned_data)
    return render(request, template, {"form": form, "result": result})


@login_required
def region_import(request):
    prefixes = _require_any(request.user, IMPORT_REGIONS)
    return table_import(request, "centers/region_import.html", lambda rows, data: services.regions_import(
        rows=rows, scope_prefixes=None if "" in prefixes else prefixes))


@login_required
def center_detail(request, pk: int):
    center = selectors.center_get_for_user(user=request.user, pk=pk)
    return render(request, "centers/center_detail.html", {
        "center": center,
        "rooms": center.rooms.all(),
        "checklist": selectors.center_checklist(center=center),
        "breadcrumbs": selectors.region_breadcrumbs(user=request.user, region=center.region),
        "can_edit": region_in_scope(request.user, CHANGE_CENTER, center.region),
    })


def _editable_center(request, pk: int):
    center = selectors.center_get_for_user(user=request.user, pk=pk)
    if not region_in_scope(request.user, CHANGE_CENTER, center.region):
        raise PermissionDenied("您只能查看该党群服务中心，不能修改。")
    return center


@login_required
def center_edit(request, pk: int):
    center = _editable_center(request, pk)
    form = CenterForm(request.POST or None, instance=center,
                      room_types=selectors.room_types_for(selectors.county_of(center.region)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.center_update(actor=request.user, center=center, version=data["version"], name=data["name"],
                                   address=data["address"], duty_phone=data["duty_phone"],
                                   opening_hours=data["opening_hours"], rooms=list(data["rooms"]))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "党群服务中心信息已保存。")
            return redirect(center)
    return render(request, "centers/center_form.html", {"center": center, "form": form})


@login_required
def checklist_entry_edit(request, pk: int, item_pk: int):
    center = _editable_center(request, pk)
    item = get_object_or_404(selectors.checklist_items_for(selectors.county_of(center.region)), pk=item_pk)
    entry = center.checklist_entries.filter(item=item).first()
    form = ChecklistEntryForm(request.POST or None, request.FILES or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.checklist_entry_update(actor=request.user, center=center, item=item, is_met=data["is_met"],
                                            checked_on=data["checked_on"], note=data["note"],
                                            photo=data.get("photo"), remove_photo=data.get("remove_photo"),
                                            version=data.get("version"))
        except ValidationError as exc:
            form.add_error("photo" if request.FILES else None, exc)
        else:
            messages.success(request, f"“{item.name}”已保存。")
            return redirect(center)
    return render(request, "centers/checklist_entry_form.html",
                  {"center": center, "item": item, "entry": entry, "form": form})


@login_required
def checklist_photo(request, pk: int):
    """Serves a checklist photo only to users who may view its center (never from a public URL)."""
    entry = selectors.checklist_entry_get_for_user(user=request.user, pk=pk)
    try:
        handle = entry.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(entry.photo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
def people_list(request):
    _require_any(request.user, MANAGE_PEOPLE)
    region = None
    if request.GET.get("region"):
        region = selectors.region_get_for_user(user=request.user, code=request.GET["region"], perm=MANAGE_PEOPLE)
    query = request.GET.get("q", "").strip()[:50]
    include_ended = request.GET.get("ended") == "1"
    posts = selectors.people_list(user=request.user, region=region, query=query, include_ended=include_ended)
    page = Paginator(posts, 50).get_page(request.GET.get("page"))
    return render(request, "centers/people_list.html",
                  {"page_obj": page, "region": region, "q": query, "include_ended": include_ended})


@login_required
def person_create(request):
    _require_any(request.user, MANAGE_PEOPLE)
    initial = {"region": request.GET.get("region", "")}
    form = PersonCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, post, password = services.person_create(
                actor=request.user, username=data["username"], real_name=data["real_name"], mobile=data["mobile"],
                role=data["role"], region=data["region"], started_on=data["started_on"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, str(exc) if isinstance(exc, PermissionDenied) else exc)
        else:
            return render(request, "centers/person_created.html", {"person": user, "post": post,
                                                                   "password": password})
    return render(request, "centers/person_form.html", {"form": form})


@login_required
def person_detail(request, pk: int):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    form = PostGrantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.post_grant(actor=request.user, user=person, role=data["role"], region=data["region"],
                                started_on=data["started_on"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, str(exc) if isinstance(exc, PermissionDenied) else exc)
        else:
            messages.success(request, "职务已任命。")
            return redirect("centers:person-detail", pk=person.pk)
    posts = selectors.person_posts_visible(user=request.user, person=person)
    manageable = {p.pk for p in posts if region_in_scope(request.user, MANAGE_PEOPLE, p.region)}
    return render(request, "centers/person_detail.html",
                  {"person": person, "posts": posts, "manageable": manageable, "form": form})


@login_required
@require_POST
def post_end(request, pk: int):
    post = selectors.post_get_for_user(user=request.user, pk=pk)
    try:
        services.post_end(actor=request.user, post=post)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已免去{post.user.real_name}的{post.get_role_display()}职务。")
    return redirect("centers:person-detail", pk=post.user_id)


@login_required
@require_POST
def person_password_reset(request, pk: int):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    password = services.person_password_reset(actor=request.user, person=person, request=request)
    return render(request, "centers/person_created.html", {"person": person, "password": password, "reset": True})


@login_required
def people_import(request):
    _require_any(request.user, MANAGE_PEOPLE)
    return table_import(request, "centers/people_import.html",
                        lambda rows, data: services.people_import(actor=request.user, rows=rows))


@login_required
def catalog(request):
    """A county's lists: the standard rooms and building-standard items, plus the county's own."""
    _require_any(request.user, MANAGE_CATALOG)
    counties = list(selectors.catalog_counties(user=request.user)[:200])
    if not counties:
        raise PermissionDenied("您没有维护县级清单的权限。")
    county = next((c for c in counties if c.code == request.GET.get("county")), counties[0])
    room_form = RoomTypeForm(request.POST if request.POST.get("form") == "room" else None, prefix="room")
    item_form = ChecklistItemForm(request.POST if request.POST.get("form") == "item" else None, prefix="item")
    if request.method == "POST":
        county = next((c for c in counties if c.code == request.POST.get("county")), None)
        if county is None:
            raise Http404
        form = room_form if request.POST.get("form") == "room" else item_form
        if form.is_valid():
            try:
                if form is room_form:
                    services.room_type_create(actor=request.user, county=county, **form.cleaned_data)
                else:
                    services.checklist_item_create(actor=request.user, county=county, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "已添加。")
                return redirect(f"{request.path}?county={county.code}")
    rooms, items = selectors.catalog_lists(county=county)
    return render(request, "centers/catalog.html", {
        "counties": counties, "county": county, "room_form": room_form, "item_form": item_form,
        "rooms": rooms, "items": items,
    })


@login_required
@require_POST
def catalog_entry_toggle(request, kind: str, pk: int):
    model = RoomType if kind == "rooms" else ChecklistItem
    entry = selectors.catalog_entry_get_for_user(user=request.user, model=model, pk=pk)
    services.catalog_entry_toggle(actor=request.user, entry=entry)
    messages.success(request, f"“{entry.name}”已{'启用' if entry.is_active else '停用'}。")
    return redirect(f"{reverse('centers:catalog')}?county={entry.county.code}")


def healthz(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
