"""Views of proxy requests (代办): list, intake, the request page with its transitions, receipt, figures,
the register export, and the public lookup."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from audit.context import client_address
from audit.services import personal_data_reveal_record
from centers import selectors, services
from centers.forms import (
    ExtensionDecisionForm,
    FiguresGroupingForm,
    LookupForm,
    MaterialsForm,
    ProxyRequestAcceptForm,
    ProxyRequestFilterForm,
    ProxyRequestTransitionForm,
    ReceiptCodeForm,
)
from centers.models import ProxyRequest, ServiceItem
from centers.permissions import APPROVE_EXTENSION, CHANGE_CENTER
from centers.workflows import PROXY_REQUEST
from core import region_cache, registry
from core.forms import query_values
from core.http import act, attempt, form_errors
from core.middleware import personal_data
from core.ratelimit import give_back, over_limit
from core.tables import group_by_township
from regions.forms import UrgeForm, UrgingAnswerForm
from regions.reports import report_scope
from regions.roles import URGE, VIEW
from regions.scoping import ALL_REGIONS, get_for_user, region_in_scope, scope_prefixes
from regions.selectors import region_filter_choices, urging_of, urgings_of
from regions.services.urging import NOT_ALLOWED_TO_URGE

# Wrong tries allowed in LOOKUP_WINDOW. Guessing one applicant's four digits is what the per-code limits stop
# (5 per 10 minutes and LOOKUP_CODE_DAY_LIMIT a day: 10,000 possibilities take over a year); a random 8-letter
# code (32**8) is not worth guessing, so the per-address limit only stops one address spraying codes and is
# high enough that a county's villagers behind one proxy address (TRUSTED_PROXY_COUNT=0) are not locked out
# by each other's typos.
LOOKUP_CODE_LIMIT = 5
LOOKUP_CODE_DAY_LIMIT = 20
LOOKUP_ADDRESS_LIMIT = 300
LOOKUP_WINDOW = 10 * 60  # seconds
LOOKUP_DAY = 24 * 60 * 60
LOOKUP_NOT_FOUND = "没有查到与回执码和手机号后四位相符的办件，请核对后重试。"
LOOKUP_TOO_MANY = "查询过于频繁，请10分钟后再试。"
LOOKUP_TOO_MANY_TODAY = "该回执码今天输错次数过多，请明天再试，或带上办事回执到村党群服务中心查询。"
LOOKUP_PHONE_IN_URL = "为保护您的个人信息，请在下方输入手机号后四位后点“查询”。"
ONLY_VIEW = "您只能查看该代办事项。"
NO_REVEAL = "您无权查看完整的个人信息。"
NOT_AN_INTAKE_CADRE = "只有村干部和乡镇干部可以受理代办事项。"
NOT_AN_APPROVER = "只有乡镇（街道）党委书记和组织委员可以审批代办延期申请。"
EXTENSION_DECIDED = {
    "extend_grant": "已批准延期，已通知村里。",
    "extend_deny": "已不批准延期，已通知村里。",
}


def _proxy_request(request, pk: int, act: str | None = None, message: str = ONLY_VIEW) -> ProxyRequest:
    return get_for_user(
        ProxyRequest.objects.select_related("village__parent", "item", "handler", "accepted_by"),
        user=request.user,
        pk=pk,
        act=act,
        message=message,
    )


@login_required
def request_list(request):
    """The requests the user may see, filtered. The filter form and the rows are rendered once per scope,
    query and day and served from the cache until a service item (the form) or a request in one of the
    user's regions (the rows) changes (core.region_cache): the form is not even built on a hit."""
    today = timezone.localdate()
    prefixes = scope_prefixes(request.user, VIEW)
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:24]
    scope = hashlib.sha256(",".join(prefixes).encode()).hexdigest()[:24]

    def filter_form() -> ProxyRequestFilterForm:
        return ProxyRequestFilterForm(
            request.GET or None,
            items=selectors.service_item_choices(user=request.user),
            regions=region_filter_choices(user=request.user),
        )

    def render_rows() -> str:
        form = filter_form()
        filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
        requests = selectors.proxy_requests_for_user(user=request.user, today=today, **filters)
        page = Paginator(requests, 30).get_page(request.GET.get("page"))
        rows = [(proxy_request, proxy_request.flag_on(today)) for proxy_request in page]
        return render_to_string(
            "centers/includes/proxyrequest_rows.html", {"rows": rows, "page_obj": page, "request": request}
        )

    filter_html = region_cache.cached_for_scope(
        ServiceItem.cache_topic,
        ALL_REGIONS,
        f"request-filter:{scope}:{query}",
        lambda: render_to_string("centers/includes/proxyrequest_filter.html", {"form": filter_form()}),
    )
    rows_html = region_cache.cached_for_scope("requests", prefixes, f"list:{today}:{query}", render_rows)
    return render(
        request,
        "centers/proxyrequest_list.html",
        {
            # Our own templates, autoescaped.
            "filter_html": mark_safe(filter_html),  # noqa: S308
            "rows_html": mark_safe(rows_html),  # noqa: S308
            "can_accept": bool(scope_prefixes(request.user, CHANGE_CENTER)),
        },
    )


@login_required
@require_POST
def request_export(request):
    """The request register for the list's filters: direct download up to 10,000 rows, a task beyond."""
    from centers.exports import proxy_requests_to_xlsx
    from spreadsheets.exports import LARGE_EXPORT_ROWS, export_job_create
    from spreadsheets.writing import xlsx_response

    form = ProxyRequestFilterForm(
        request.POST,
        items=selectors.service_item_choices(user=request.user),
        regions=region_filter_choices(user=request.user),
    )
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    requests = selectors.proxy_requests_for_user(user=request.user, **filters)
    if requests.count() > LARGE_EXPORT_ROWS:
        params = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items()}
        job = export_job_create(user=request.user, kind="proxy_requests", title="代办登记簿", params=params)
        return redirect(job)
    return xlsx_response(proxy_requests_to_xlsx(requests), "代办登记簿.xlsx")


@login_required
def request_figures(request):
    """Township and county figures: accepted, done, on time, average working days, satisfaction."""
    scope = report_scope(request, timezone.localdate().replace(month=1, day=1))
    by = query_values(FiguresGroupingForm(request.GET)).get("by") or "village"
    rows = (
        selectors.proxy_request_figures(
            user=request.user, region=scope.region, start=scope.start, end=scope.end, by=by
        )
        if scope.valid
        else []
    )
    table = group_by_township(
        rows,
        sums=("accepted", "done", "on_time", "extended", "overdue_open", "replied", "satisfied"),
        rates=("on_time_rate", "satisfaction_rate"),
        means={"avg_days": ("days_total", "days_counted")},
    )
    return render(
        request,
        "centers/proxyrequest_figures.html",
        {
            "scope": scope,
            "region": scope.region,
            "table": table,
            "rows": table.rows,
            "start": scope.start,
            "end": scope.end,
            "by": by,
        },
    )


@login_required
def request_create(request):
    villages = selectors.acceptable_villages(user=request.user)
    if not villages.exists():
        raise PermissionDenied(NOT_AN_INTAKE_CADRE)
    items = selectors.service_items_visible(user=request.user)
    single = villages.count() == 1
    form = ProxyRequestAcceptForm(
        request.POST or None,
        villages=villages,
        items=items,
        initial={"village": villages.first()} if single else {},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.proxy_request_accept(
                actor=request.user,
                village=data["village"],
                item=data["item"],
                applicant_name=data["applicant_name"],
                applicant_phone=data["applicant_phone"],
                applicant_id_number=data["applicant_id_number"],
                materials_received=data["materials_received"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("centers:request-receipt", pk=created.pk)
    return render(
        request,
        "centers/proxyrequest_form.html",
        {"form": form, "single_village": single, "desk_links": _desk_links(request.user, villages, single)},
    )


def _desk_links(user, villages, single: bool) -> list[tuple[str, str]]:
    """Other systems' intake links (a walk-in with a dispute ...), for the villages the user may reach."""
    village = villages.first() if single else None
    links = []
    for link in registry.desk_links():
        if not scope_prefixes(user, link.perm):
            continue
        url = reverse(link.url_name)
        links.append((link.label, f"{url}?village={village.code}" if village is not None else url))
    return links


@login_required
def request_materials(request):
    """htmx partial: the material checklist of the chosen item."""
    items = selectors.service_items_visible(user=request.user)
    form = MaterialsForm(request.GET, items=items)
    if not form.is_valid():
        raise Http404
    item = form.cleaned_data["item"]
    return render(
        request,
        "centers/includes/materials.html",
        {"materials": item.material_list if item else [], "item": item},
    )


@login_required
def request_detail(request, pk: int):
    proxy_request = _proxy_request(request, pk)
    may_handle = region_in_scope(request.user, CHANGE_CENTER, proxy_request.village)
    today = timezone.localdate()
    return render(
        request,
        "centers/proxyrequest_detail.html",
        {
            "req": proxy_request,
            "events": selectors.proxy_request_events(proxy_request=proxy_request),
            "allowed": PROXY_REQUEST.allowed(proxy_request, request.user, offered_only=True),
            # The township's decision on a pending 延期申请 (its own box, not the village's 办理 box).
            "may_decide_extension": proxy_request.is_open
            and proxy_request.extension_pending
            and region_in_scope(request.user, APPROVE_EXTENSION, proxy_request.village),
            "timeliness": proxy_request.timeliness_on(today),
            "may_handle": may_handle,
            "handlers": selectors.village_handlers(village=proxy_request.village) if may_handle else [],
            "flag": proxy_request.flag_on(timezone.localdate()),
            "satisfaction_choices": ProxyRequest.Satisfaction.choices,
            "reply_channels": ProxyRequestTransitionForm.REPLY_CHANNELS,
            "urgings": urgings_of(proxy_request),
            # An official, and the request past its promise and still open.
            "may_urge": proxy_request.flag_on(timezone.localdate()) == "red"
            and region_in_scope(request.user, URGE, proxy_request.village),
        },
    )


@login_required
@require_POST
def request_transition(request, pk: int):
    proxy_request = _proxy_request(request, pk, act=CHANGE_CENTER)
    form = ProxyRequestTransitionForm(
        request.POST, handlers=selectors.village_handlers(village=proxy_request.village)
    )
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(proxy_request)
    data = form.cleaned_data
    attempt(
        request,
        lambda: services.proxy_request_transition(
            actor=request.user,
            proxy_request=proxy_request,
            name=data["name"],
            version=data["version"],
            data=services.TransitionInput(
                note=data["note"],
                result=data["result"],
                satisfaction=data["satisfaction"],
                reply_channel=data["reply_channel"],
                reply_text=data["reply_text"],
                handler=data["handler"],
                office=data["office"],
                promised_date=data["promised_date"],
            ),
        ),
        "已保存。",
    )
    return redirect(proxy_request)


@login_required
@require_POST
def request_extension_decide(request, pk: int):
    """The township approves or refuses a village's 延期申请 (DOMAIN_RULES C.10)."""
    proxy_request = _proxy_request(request, pk, act=APPROVE_EXTENSION, message=NOT_AN_APPROVER)
    form = ExtensionDecisionForm(request.POST)
    act(
        request,
        form,
        lambda data: services.proxy_request_transition(
            actor=request.user,
            proxy_request=proxy_request,
            name=data["decision"],
            version=data["version"],
            data=services.TransitionInput(note=data["note"]),
        ),
        lambda _: EXTENSION_DECIDED[form.cleaned_data["decision"]],
    )
    return redirect(proxy_request)


@login_required
@require_POST
def request_urge(request, pk: int):
    """督办 on an overdue request, by a township or county official."""
    proxy_request = _proxy_request(request, pk, act=URGE, message=NOT_ALLOWED_TO_URGE)
    act(
        request,
        UrgeForm(request.POST),
        lambda data: services.proxy_request_urge(actor=request.user, proxy_request=proxy_request, **data),
        "已督办，已通知承办人和村党组织书记。",
    )
    return redirect(proxy_request)


@login_required
@require_POST
def request_urging_answer(request, pk: int, urging_pk: int):
    """The village answers a 督办 on its request."""
    proxy_request = _proxy_request(request, pk, act=CHANGE_CENTER)
    urging = urging_of(proxy_request, urging_pk)
    act(
        request,
        UrgingAnswerForm(request.POST),
        lambda data: services.proxy_request_urging_answer(
            actor=request.user, proxy_request=proxy_request, urging=urging, **data
        ),
        "已回复督办。",
    )
    return redirect(proxy_request)


@login_required
@require_POST
def request_reveal(request, pk: int):
    """Shows the applicant's full phone and ID number once, to those who handle the request; recorded."""
    proxy_request = _proxy_request(request, pk, act=CHANGE_CENTER, message=NO_REVEAL)
    personal_data_reveal_record(
        request=request, user=request.user, record=proxy_request, fields="applicant_phone,applicant_id_number"
    )
    return render(request, "centers/includes/revealed.html", {"req": proxy_request})


@login_required
def request_receipt(request, pk: int):
    """办事回执: fits A5 paper and a phone screen; the QR code opens the public lookup with the code."""
    import segno

    proxy_request = _proxy_request(request, pk)
    lookup_url = request.build_absolute_uri(f"{reverse('lookup')}?code={proxy_request.receipt_code}")
    center = getattr(proxy_request.village, "service_center", None)
    return render(
        request,
        "centers/proxyrequest_receipt.html",
        {
            "req": proxy_request,
            "center": center,
            "lookup_url": lookup_url,
            "qr_svg": segno.make(lookup_url, error="m").svg_inline(scale=3, dark="#222"),
        },
    )


def _lookup_keys(code: str, address: str | None) -> list[tuple[str, int]]:
    """The counters of the short window: the client address's and the receipt code's."""
    return [(f"lookup:addr:{address}", LOOKUP_ADDRESS_LIMIT)] + (
        [(f"lookup:code:{code}", LOOKUP_CODE_LIMIT)] if code else []
    )


def _lookup_day_keys(code: str) -> list[tuple[str, int]]:
    """The receipt code's daily counter, whatever the address."""
    return [(f"lookup:code-day:{code}", LOOKUP_CODE_DAY_LIMIT)] if code else []


@personal_data
@require_http_methods(["GET", "POST"])
def lookup(request):
    """Public (no login): receipt code + the phone's last four digits give the status, the public events
    and, once replied, the outcome the handler wrote for the applicant.

    The digits come in a POST only, so no personal data sits in URLs, proxy logs or browser history; a GET
    (the receipt's QR code) may carry the code alone. A wrong code and a wrong phone get the same answer.
    Wrong tries are limited per receipt code (guessing one applicant's digits) and per client address
    (trying many codes); only wrong tries count, so villagers behind one proxy address are not blocked by
    each other's successful lookups.
    """
    if request.method == "GET":
        form = LookupForm(initial={"code": query_values(ReceiptCodeForm(request.GET)).get("code", "")})
        message = LOOKUP_PHONE_IN_URL if "phone_last4" in request.GET else ""
        return render(request, "centers/lookup.html", {"form": form, "message": message})
    form = LookupForm(request.POST)
    code = form.data.get("code", "").strip().upper()[:12]
    address = client_address(request)
    found, message, status = None, "", 200
    # Both calls run (each counts its try) before either answer is looked at.
    over_now = over_limit(_lookup_keys(code, address), LOOKUP_WINDOW)
    over_today = over_limit(_lookup_day_keys(code), LOOKUP_DAY)
    if over_today:
        message, status = LOOKUP_TOO_MANY_TODAY, 429
    elif over_now:
        message, status = LOOKUP_TOO_MANY, 429
    else:
        if form.is_valid():
            found = selectors.proxy_request_public(
                receipt_code=form.cleaned_data["code"], phone_last4=form.cleaned_data["phone_last4"]
            )
        if found is None:
            message = LOOKUP_NOT_FOUND
        else:
            give_back(key for key, _ in _lookup_keys(code, address) + _lookup_day_keys(code))
    events = selectors.proxy_request_events(proxy_request=found, public_only=True) if found else []
    return render(
        request,
        "centers/lookup.html",
        {"form": form, "found": found, "events": events, "message": message},
        status=status,
    )
