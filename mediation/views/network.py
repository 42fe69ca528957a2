"""The mediation network: a village's grids (一格四员), the 人民调解委员会 of a village or township, and the
overview of grids, grid workers, committees and mediators by village for a township or county."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.formats import zh_date
from core.http import act, attempt
from core.tables import group_by_township
from mediation import selectors_network as selectors
from mediation.forms_network import CommitteeTermForm, GridForm, MemberEndForm, MemberForm
from mediation.models import Committee, CommitteeMember
from mediation.permissions import MANAGE_MEDIATION_NETWORK
from mediation.services import network as services
from regions.forms import DivisionCodeField
from regions.models import Grid, Region
from regions.roles import Level
from regions.scoping import VIEW, get_for_user, prefix_q, region_in_scope
from regions.selectors import region_breadcrumbs, region_get_for_user, user_top_regions

NO_REGION = "您没有可查看的区划。"


class OverviewForm(forms.Form):
    region = DivisionCodeField()


def _region(request, code: str, levels: tuple[str, ...]) -> Region:
    """The region of a page: 404 out of view scope, and for a level the page is not about."""
    region = region_get_for_user(user=request.user, code=code)
    if region.level not in levels:
        raise Http404
    return region


def _may_manage(request, region: Region) -> bool:
    return region_in_scope(request.user, MANAGE_MEDIATION_NETWORK, region)


def _require_manage(request, region: Region) -> None:
    if not _may_manage(request, region):
        raise PermissionDenied(services.NOT_YOURS)


def _grid(request, pk: int) -> Grid:
    return get_for_user(
        Grid.objects.select_related("village"),
        user=request.user,
        pk=pk,
        act=MANAGE_MEDIATION_NETWORK,
        message=services.NOT_YOURS,
    )


def _grid_list_url(village: Region) -> str:
    return reverse("mediation:grid-list", args=[village.code])


def _committee_url(region: Region) -> str:
    return reverse("mediation:committee", args=[region.code])


# -- the overview ------------------------------------------------------------------------------------


@login_required
def network_overview(request):
    """Grids, grid workers, committees and mediators of each village under a region (the user's own by
    default, ``?region=`` another in view scope), grouped by township with subtotals and the total."""
    form = OverviewForm(request.GET)
    if not form.is_valid():
        raise Http404  # a malformed code, as an unknown one
    code = form.cleaned_data["region"]
    region = (
        region_get_for_user(user=request.user, code=code)
        if code
        else next(iter(user_top_regions(user=request.user)[:1]), None)
    )
    if region is None:
        raise PermissionDenied(NO_REGION)
    overview = selectors.network_overview(region=region, today=timezone.localdate())
    return render(
        request,
        "mediation/network/overview.html",
        {
            "region": region,
            "overview": overview,
            "table": group_by_township(overview.rows, sums=selectors.OVERVIEW_SUMS, rates=("coverage",)),
            "breadcrumbs": region_breadcrumbs(user=request.user, region=region),
        },
    )


# -- grids -------------------------------------------------------------------------------------------


@login_required
def grid_list(request, code: str):
    village = _region(request, code, (Level.VILLAGE,))
    return render(
        request,
        "mediation/network/grid_list.html",
        {
            "village": village,
            "rows": selectors.grids_of_village(village=village),
            "can_manage": _may_manage(request, village),
            "breadcrumbs": region_breadcrumbs(user=request.user, region=village),
        },
    )


def _grid_saved(request, grid: Grid, text: str):
    messages.success(request, text)
    warning = services.grid_households_warning(grid)
    if warning:
        messages.warning(request, warning)
    return redirect(_grid_list_url(grid.village))


@login_required
def grid_create(request, code: str):
    village = _region(request, code, (Level.VILLAGE,))
    _require_manage(request, village)
    form = GridForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grid = services.grid_create(actor=request.user, village=village, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _grid_saved(request, grid, f"网格“{grid.name}”已建立。")
    return render(
        request,
        "mediation/network/grid_form.html",
        {"form": form, "village": village, "grid": None, "breadcrumbs": []},
    )


@login_required
def grid_edit(request, pk: int):
    grid = _grid(request, pk)
    initial = {"name": grid.name, "households": grid.households, "area": grid.area}
    form = GridForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            grid = services.grid_update(actor=request.user, grid=grid, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _grid_saved(request, grid, f"网格“{grid.name}”已保存。")
    return render(
        request,
        "mediation/network/grid_form.html",
        {"form": form, "village": grid.village, "grid": grid, "breadcrumbs": []},
    )


@login_required
@require_POST
def grid_toggle(request, pk: int):
    grid = _grid(request, pk)
    active = not grid.is_active
    attempt(
        request,
        lambda: services.grid_set_active(actor=request.user, grid=grid, active=active),
        f"网格“{grid.name}”已{'启用' if active else '停用'}。",
    )
    return redirect(_grid_list_url(grid.village))


# -- committees --------------------------------------------------------------------------------------


@login_required
def committee(request, code: str):
    """The region's 人民调解委员会 in office: its term, members, the warnings of 人民调解法 第8、9条, and
    for those who keep it the forms to add a member or end one's membership."""
    region = _region(request, code, services.COMMITTEE_LEVELS)
    can_manage = _may_manage(request, region)
    page = selectors.committee_page(region=region, today=timezone.localdate())
    users = list(selectors.committee_users(region=region)) if can_manage and page.committee else []
    return render(
        request,
        "mediation/network/committee.html",
        {
            "region": region,
            "page": page,
            "can_manage": can_manage,
            "member_form": MemberForm(users=users) if can_manage and page.committee else None,
            "end_form": MemberEndForm(initial={"ended_on": timezone.localdate()}),
            "breadcrumbs": region_breadcrumbs(user=request.user, region=region),
        },
    )


@login_required
def committee_term(request, code: str):
    """A new term (换届): the committee in office, if any, leaves with its members."""
    region = _region(request, code, services.COMMITTEE_LEVELS)
    _require_manage(request, region)
    form = CommitteeTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.committee_term_start(actor=request.user, region=region, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{created.name}本届任期已登记（{zh_date(created.term_starts_on)}至"
                f"{zh_date(created.term_ends_on)}），请录入委员。",
            )
            return redirect(_committee_url(region))
    current = Committee.objects.filter(region=region, is_active=True).first()
    return render(
        request,
        "mediation/network/committee_term.html",
        {"form": form, "region": region, "current": current, "breadcrumbs": []},
    )


@login_required
@require_POST
def committee_member_add(request, pk: int):
    found = get_for_user(
        Committee.objects.all(),
        user=request.user,
        pk=pk,
        act=MANAGE_MEDIATION_NETWORK,
        message=services.NOT_YOURS,
    )
    users = selectors.committee_users(region=found.region)
    act(
        request,
        MemberForm(request.POST, users=users),
        lambda data: services.committee_member_add(actor=request.user, committee=found, **data),
        lambda member: f"已增补{member.name}为{member.get_position_display()}。",
    )
    return redirect(_committee_url(found.region))


@login_required
@require_POST
def committee_member_end(request, pk: int):
    member = get_object_or_404(
        CommitteeMember.objects.filter(
            prefix_q(request.user, VIEW, field="committee__region__prefix")
        ).select_related("committee__region"),
        pk=pk,
    )
    region = member.committee.region
    _require_manage(request, region)
    act(
        request,
        MemberEndForm(request.POST),
        lambda data: services.committee_member_end(actor=request.user, member=member, **data),
        lambda ended: f"{ended.name}已离任（{ended.end_reason}）。",
    )
    return redirect(_committee_url(region))


CODE = r"(?P<code>[0-9]{12})"

urlpatterns = [
    path("network/", network_overview, name="network-overview"),
    re_path(rf"^network/{CODE}/grids/$", grid_list, name="grid-list"),
    re_path(rf"^network/{CODE}/grids/new/$", grid_create, name="grid-create"),
    path("network/grids/<int:pk>/edit/", grid_edit, name="grid-edit"),
    path("network/grids/<int:pk>/toggle/", grid_toggle, name="grid-toggle"),
    re_path(rf"^network/{CODE}/committee/$", committee, name="committee"),
    re_path(rf"^network/{CODE}/committee/term/$", committee_term, name="committee-term"),
    path("network/committees/<int:pk>/members/new/", committee_member_add, name="committee-member-add"),
    path("network/committee-members/<int:pk>/end/", committee_member_end, name="committee-member-end"),
]
