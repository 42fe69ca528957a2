"""Views of the suggestions box (问题建议): the public form and answer lookup of a village, and the cadres'
list, page, answer, phone reveal and figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.context import client_address
from audit.services import personal_data_reveal_record
from centers import selectors
from centers.forms import (
    ReceiptCodeForm,
    SuggestionAnswerForm,
    SuggestionFilterForm,
    SuggestionForm,
    SuggestionLookupForm,
)
from centers.models import Suggestion
from centers.permissions import CHANGE_CENTER
from centers.selectors import SUGGESTION_SUMS
from centers.services import suggestions as services
from core.forms import query_values
from core.http import act
from core.middleware import personal_data
from core.ratelimit import give_back, over_limit
from core.tables import group_by_township
from regions.models import Region
from regions.reports import report_scope
from regions.roles import Level
from regions.scoping import get_for_user, region_in_scope
from regions.selectors import region_filter_choices

# Submissions allowed per client address, and per village from all addresses, in a window. Behind a
# reverse proxy villagers share the proxy's address unless TRUSTED_PROXY_COUNT is set (README): the
# address limit leaves room for a few families on one address.
SUBMIT_ADDRESS_LIMIT = 10
SUBMIT_VILLAGE_LIMIT = 60
SUBMIT_WINDOW = 60 * 60  # seconds
SUBMIT_TOO_MANY = "提交过于频繁，请1小时后再试，或拨打村党群服务中心值班电话反映。"
# Wrong receipt codes tried per client address in a window (guessing codes to read others' answers). A code
# is 8 random letters (32**8), not worth guessing, so the limit only stops one address spraying codes, and is
# high enough that a county's villagers behind one proxy address (TRUSTED_PROXY_COUNT=0) are not locked out
# by each other's typos (as the request lookup's address limit).
LOOKUP_ADDRESS_LIMIT = 300
LOOKUP_WINDOW = 10 * 60
LOOKUP_TOO_MANY = "查询过于频繁，请10分钟后再试。"
LOOKUP_NOT_FOUND = "没有查到这个查询码，请核对后重试。"
ONLY_VIEW = "您只能查看该问题建议。"
NO_REVEAL = "您无权查看完整的联系电话。"


def _public_village(code: str) -> Region:
    return get_object_or_404(Region.objects.select_related("service_center"), code=code, level=Level.VILLAGE)


@personal_data
@require_http_methods(["GET", "POST"])
def suggestion_new(request, code: str):
    """Public (no login): a villager leaves a question or suggestion for the village, name and phone
    optional; the answer page gives the receipt code to read the village's answer later.

    Every POST counts against the client address (checked first, so one address cannot use up the
    village's allowance), and every well-formed one against the village (many addresses at once)."""
    village = _public_village(code)
    center = getattr(village, "service_center", None)
    if request.method == "GET":
        return render(
            request,
            "centers/suggestion_new.html",
            {"village": village, "center": center, "form": SuggestionForm()},
        )
    form = SuggestionForm(request.POST)
    address = client_address(request)
    if over_limit([(f"suggest:addr:{address}", SUBMIT_ADDRESS_LIMIT)], SUBMIT_WINDOW) or (
        form.is_valid()
        and over_limit([(f"suggest:village:{village.pk}", SUBMIT_VILLAGE_LIMIT)], SUBMIT_WINDOW)
    ):
        return render(
            request,
            "centers/suggestion_new.html",
            {"village": village, "center": center, "form": form, "message": SUBMIT_TOO_MANY},
            status=429,
        )
    created = None
    if form.is_valid():
        try:
            created = services.suggestion_submit(village=village, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "centers/suggestion_new.html",
        {"village": village, "center": center, "form": form, "created": created},
    )


@personal_data
@require_http_methods(["GET", "POST"])
def suggestion_lookup(request):
    """Public (no login): the receipt code gives the suggestion and, once the village answered, its answer
    (never the name or phone). Wrong codes are limited per client address; a right one takes its try back."""
    if request.method == "GET":
        form = SuggestionLookupForm(
            initial={"code": query_values(ReceiptCodeForm(request.GET)).get("code", "")}
        )
        return render(request, "centers/suggestion_lookup.html", {"form": form})
    form = SuggestionLookupForm(request.POST)
    key = f"suggest:lookup:{client_address(request)}"
    found, message, status = None, "", 200
    if over_limit([(key, LOOKUP_ADDRESS_LIMIT)], LOOKUP_WINDOW):
        message, status = LOOKUP_TOO_MANY, 429
    else:
        if form.is_valid():
            found = selectors.suggestion_public(receipt_code=form.cleaned_data["code"])
        if found is None:
            message = LOOKUP_NOT_FOUND
        else:
            give_back([key])  # only wrong codes count
    return render(
        request,
        "centers/suggestion_lookup.html",
        {"form": form, "found": found, "message": message},
        status=status,
    )


def _suggestion(request, pk: int, act: str | None = None, message: str = ONLY_VIEW) -> Suggestion:
    return get_for_user(
        Suggestion.objects.select_related("village__parent", "answered_by"),
        user=request.user,
        pk=pk,
        act=act,
        message=message,
    )


@login_required
def suggestion_list(request):
    """The suggestions the user may see: a village its own, a township its villages' (未答复 first to
    look at), the county all; filtered by status, township and village."""
    form = SuggestionFilterForm(request.GET or None, regions=region_filter_choices(user=request.user))
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    suggestions = selectors.suggestions_for_user(user=request.user, **filters)
    page = Paginator(suggestions, 30).get_page(request.GET.get("page"))
    return render(request, "centers/suggestion_list.html", {"form": form, "page_obj": page})


@login_required
def suggestion_detail(request, pk: int):
    suggestion = _suggestion(request, pk)
    may_answer = not suggestion.is_answered and region_in_scope(
        request.user, CHANGE_CENTER, suggestion.village
    )
    return render(
        request,
        "centers/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "may_answer": may_answer,
            "may_reveal": bool(suggestion.phone)
            and region_in_scope(request.user, CHANGE_CENTER, suggestion.village),
            "form": SuggestionAnswerForm(),
        },
    )


@login_required
@require_POST
def suggestion_answer(request, pk: int):
    """The village's answer, once (the service refuses a second one)."""
    suggestion = _suggestion(request, pk, act=CHANGE_CENTER, message=services.NOT_YOUR_VILLAGE)
    act(
        request,
        SuggestionAnswerForm(request.POST),
        lambda data: services.suggestion_answer(
            actor=request.user, suggestion=suggestion, answer=data["answer"]
        ),
        "已答复，群众可凭查询码查看答复。",
    )
    return redirect(suggestion)


@login_required
@require_POST
def suggestion_reveal(request, pk: int):
    """Shows the full phone once, to those who answer the village's suggestions; recorded."""
    suggestion = _suggestion(request, pk, act=CHANGE_CENTER, message=NO_REVEAL)
    personal_data_reveal_record(request=request, user=request.user, record=suggestion, fields="phone")
    return render(request, "centers/includes/suggestion_revealed.html", {"suggestion": suggestion})


@login_required
def suggestion_figures(request):
    """Suggestions collected and answered per village, grouped by township with subtotals and the total,
    for the user's region (or one below it) and a period; the same table as a spreadsheet."""
    today = timezone.localdate()
    scope = report_scope(request, today.replace(month=1, day=1))
    rows = (
        selectors.suggestion_figures(region=scope.region, start=scope.start, end=scope.end)
        if scope.valid
        else []
    )
    if scope.xlsx:
        from centers.exports import suggestions_to_xlsx
        from spreadsheets.writing import xlsx_response

        content = suggestions_to_xlsx(rows, region=scope.region, start=scope.start, end=scope.end)
        return xlsx_response(content, "问题建议.xlsx")
    return render(
        request,
        "centers/suggestion_figures.html",
        {
            "scope": scope,
            "region": scope.region,
            "table": group_by_township(rows, sums=SUGGESTION_SUMS, rates=("rate",)),
            "start": scope.start,
            "end": scope.end,
        },
    )
