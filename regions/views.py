"""Views of the foundation: each role's home (the region page that hosts the systems' panels), region
search and import, people and posts, the county calendar and the county settings page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import charts, region_cache, registry
from core.formats import zh_date
from core.forms import YearForm, query_values
from core.http import CSRF_PLACEHOLDER, attempt, with_csrf_token
from regions import homes, imports, selectors, services
from regions.forms import (
    CalendarDayForm,
    CountyChoiceForm,
    PeopleFilterForm,
    PersonCreateForm,
    PostGrantForm,
    RegionSearchForm,
)
from regions.panels import due_personal
from regions.roles import IMPORT_REGIONS, LEVEL_DEPTH, MANAGE_COUNTY_SETTINGS, MANAGE_PEOPLE
from regions.scoping import region_in_scope, require_somewhere
from spreadsheets.views import table_import

NO_SETTINGS_PERMISSION = "只有县级管理员可以维护工作日历和各项规定。"


@login_required
def home(request):
    """Each role lands on its own region's page: the shallowest region among its active posts; a post whose
    system is still being built on a page that says what is coming (regions.homes)."""
    posts = sorted(
        selectors.user_active_posts(user=request.user),
        key=lambda p: (LEVEL_DEPTH[p.region.level], p.started_on),
    )
    systems = homes.coming_systems(posts)
    if systems:
        return _home_coming(request, posts, systems)
    if posts:
        return redirect(posts[0].region.get_absolute_url())
    tops = list(selectors.user_top_regions(user=request.user)[:50])
    if len(tops) == 1:
        return redirect(tops[0].get_absolute_url())
    return render(request, "regions/home_no_post.html", {"regions": tops})


def _home_coming(request, posts, systems) -> HttpResponse:
    """The page of a post whose system is being built (regions.homes): what is coming, and what the
    post can use today: its region's page, the menu's pages, its notifications."""
    region = posts[0].region
    return render(
        request,
        "regions/home_coming.html",
        {
            "posts": posts,
            "systems": systems,
            "region": region,
            "panel_titles": list(dict.fromkeys(p.title for p in registry.panels_for(region.level))),
            "has_charts": bool(registry.charts_for(region.level)),
            "data": due_personal(user=request.user, region=region),
        },
    )


def _panels(request, region) -> list[tuple]:
    """Every registered panel of the region's level, rendered. A panel with a cache topic is rendered once
    per region, version and viewer's part (what ``personal`` returns) and served as HTML from the cache
    (all of them in two cache round trips), with this request's CSRF token put into its forms; the others
    are rendered for this request."""
    panels = registry.panels_for(region.level)
    personal = {p.key: p.personal(user=request.user, region=region) if p.personal else {} for p in panels}

    def render(panel, **options) -> str:
        data = {**(panel.data(region=region) if panel.data else {}), **personal[panel.key]}
        context = {"data": data, "region": region}
        if "request" not in options:
            context["csrf_token"] = CSRF_PLACEHOLDER  # a cached panel's forms get each request's token
        return render_to_string(panel.template, context, **options)

    cached = [p for p in panels if p.cache_topic]
    variants = [",".join(f"{k}={v}" for k, v in sorted(personal[p.key].items())) for p in cached]
    html = dict(
        zip(
            (p.key for p in cached),
            region_cache.cached_many(
                region,
                [
                    (p.cache_topic, f"{p.key}:{variant}", lambda p=p: render(p))
                    for p, variant in zip(cached, variants, strict=True)
                ],
            ),
            strict=True,
        )
    )
    return [
        (p, with_csrf_token(request, html[p.key] if p.cache_topic else render(p, request=request)))
        for p in panels
    ]


@login_required
def region_detail(request, code: str):
    region, breadcrumbs = selectors.region_page_regions(user=request.user, code=code)
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "breadcrumbs": breadcrumbs,
            "panels": _panels(request, region),
            "charts": charts.render_for(region, timezone.localdate()),
            "can_manage_people": region_in_scope(request.user, MANAGE_PEOPLE, region),
            "can_import": region_in_scope(request.user, IMPORT_REGIONS, region),
        },
    )


@login_required
def region_search(request):
    form = RegionSearchForm(request.GET)
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        page = Paginator(
            selectors.region_search(user=request.user, query=form.cleaned_data["q"]), 50
        ).get_page(request.GET.get("page"))
    return render(request, "regions/region_search.html", {"form": form, "page_obj": page})


@login_required
def region_import(request):
    require_somewhere(request.user, IMPORT_REGIONS, message=imports.NO_IMPORT_PERMISSION)
    return table_import(
        request,
        kind=imports.REGIONS.kind,
        result_template="regions/includes/region_import_result.html",
        description="文件两列：区划代码、名称（第一行为表头）。代码可为12位，也可为6位（县）、9位（乡镇）。"
        "上级区划由代码推断；重复导入同一文件不会产生任何变化，名称有变化的区划会被更名。",
    )


# -- people and posts --------------------------------------------------------------------------------


def _people_filters(request) -> dict:
    """The people list's filters that are valid (a code that is not one answers 404, as an unknown one)."""
    form = PeopleFilterForm(request.GET)
    form.is_valid()
    if "region" in form.errors:
        raise Http404
    return form.cleaned_data


@login_required
def people_list(request):
    require_somewhere(request.user, MANAGE_PEOPLE, message=imports.NO_PEOPLE_PERMISSION)
    filters = _people_filters(request)
    region = None
    if filters.get("region"):
        region = selectors.region_get_for_user(user=request.user, code=filters["region"], perm=MANAGE_PEOPLE)
    query = filters.get("q", "").strip()
    include_ended = filters.get("ended", False)
    posts = selectors.people_list(user=request.user, region=region, query=query, include_ended=include_ended)
    page = Paginator(posts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "regions/people_list.html",
        {"page_obj": page, "region": region, "q": query, "include_ended": include_ended},
    )


@login_required
def person_create(request):
    require_somewhere(request.user, MANAGE_PEOPLE, message=imports.NO_PEOPLE_PERMISSION)
    form = PersonCreateForm(
        request.POST or None,
        user=request.user,
        initial={"region": query_values(PeopleFilterForm(request.GET)).get("region", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, post, password = services.person_create(
                actor=request.user,
                username=data["username"],
                real_name=data["real_name"],
                mobile=data["mobile"],
                role=data["role"],
                region=data["region"],
                started_on=data["started_on"],
                grid=data["grid"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, str(exc) if isinstance(exc, PermissionDenied) else exc)
        else:
            return render(
                request, "regions/person_created.html", {"person": user, "post": post, "password": password}
            )
    return render(request, "regions/person_form.html", {"form": form})


@login_required
def person_detail(request, pk: int):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    form = PostGrantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.post_grant(
                actor=request.user,
                user=person,
                role=data["role"],
                region=data["region"],
                started_on=data["started_on"],
                grid=data["grid"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, str(exc) if isinstance(exc, PermissionDenied) else exc)
        else:
            messages.success(request, "职务已任命。")
            return redirect("regions:person-detail", pk=person.pk)
    posts = selectors.person_posts_visible(user=request.user, person=person)
    manageable = {p.pk for p in posts if region_in_scope(request.user, MANAGE_PEOPLE, p.region)}
    return render(
        request,
        "regions/person_detail.html",
        {"person": person, "posts": posts, "manageable": manageable, "form": form},
    )


@login_required
@require_POST
def post_end(request, pk: int):
    post = selectors.post_get_for_user(user=request.user, pk=pk)
    attempt(
        request,
        lambda: services.post_end(actor=request.user, post=post),
        f"已免去{post.user.real_name}的{post.get_role_display()}职务。",
    )
    return redirect("regions:person-detail", pk=post.user_id)


@login_required
@require_POST
def person_password_reset(request, pk: int):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    password = services.person_password_reset(actor=request.user, person=person, request=request)
    return render(
        request, "regions/person_created.html", {"person": person, "password": password, "reset": True}
    )


@login_required
def people_import(request):
    require_somewhere(request.user, MANAGE_PEOPLE, message=imports.NO_PEOPLE_PERMISSION)
    return table_import(
        request,
        kind=imports.PEOPLE.kind,
        result_template="regions/includes/people_import_result.html",
        description="XLSX或CSV文件，第一行为表头，列依次为：用户名、姓名、手机号、职务（如“村党组织书记”）、"
        "区划代码、任职日期（如2026-01-01，可空，默认今天）、网格（网格职务所在网格的名称，可空：该村只有一个网格"
        "或尚未划分网格时自动归入；其他职务留空）。已有的用户名且姓名一致时，为其增加职务。",
    )


# -- the county's calendar and settings ---------------------------------------------------------------


def _settings_county(request):
    """The county whose settings the page shows (``?county=``), among those the user maintains."""
    require_somewhere(request.user, MANAGE_COUNTY_SETTINGS, message=NO_SETTINGS_PERMISSION)
    counties = list(selectors.settings_counties(user=request.user)[:200])
    if not counties:
        raise PermissionDenied(NO_SETTINGS_PERMISSION)
    # A form may post its county; otherwise the page's ?county= holds.
    data = request.POST if request.POST.get("county") else request.GET
    county = CountyChoiceForm(data, counties=counties).chosen(counties[0])
    if county is None:
        raise Http404
    return counties, county


@login_required
def calendar(request):
    """A county's working-day calendar for one year: holidays on weekdays and make-up working days."""
    counties, county = _settings_county(request)
    form = YearForm(request.GET)
    year = (form.cleaned_data["year"] if form.is_valid() else None) or timezone.localdate().year
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.calendar_day_set(
                actor=request.user, county=county, day=data["date"], kind=data["kind"], name=data["name"]
            )
        except ValidationError as exc:
            form.add_error("date", exc)
        else:
            messages.success(request, f"{zh_date(data['date'])}已设置。")
            return redirect(f"{request.path}?county={county.code}&year={data['date'].year}")
    return render(
        request,
        "regions/calendar.html",
        {
            "counties": counties,
            "county": county,
            "year": year,
            "form": form,
            "days": selectors.calendar_days(county=county, year=year),
            "years": [year - 1, year, year + 1],
        },
    )


@login_required
@require_POST
def calendar_day_delete(request, pk: int):
    entry = selectors.calendar_day_get_for_user(user=request.user, pk=pk)
    services.calendar_day_remove(actor=request.user, entry=entry)
    messages.success(request, f"{zh_date(entry.date)}已恢复为按周安排。")
    return redirect(f"{reverse('regions:calendar')}?county={entry.county.code}&year={entry.date.year}")


@login_required
def county_settings(request):
    """Every system's rules for one county, side by side: one form per registered block."""
    counties, county = _settings_county(request)
    blocks = []
    posted = request.POST.get("block") if request.method == "POST" else None
    for setting in registry.county_settings():
        current = setting.model.for_region(county)
        form = setting.form_class(
            request.POST if posted == setting.key else None, instance=current, prefix=setting.key
        )
        if posted == setting.key and form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.county_settings_save(
                    actor=request.user, county=county, model=setting.model, values=values
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"{setting.title}已保存。")
                return redirect(f"{request.path}?county={county.code}#{setting.key}")
        blocks.append((setting, form))
    if posted and posted not in {setting.key for setting, _ in blocks}:
        raise Http404
    return render(
        request, "regions/county_settings.html", {"counties": counties, "county": county, "blocks": blocks}
    )
