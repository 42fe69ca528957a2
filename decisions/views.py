"""Views of democratic decisions: matters and their steps, the record book, oversight, categories, rules."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from centers import selectors as center_selectors
from centers.roles import (
    MANAGE_CATALOG,
    MANAGE_DECISION_CATEGORIES,
    MANAGE_DECISIONS,
    SUPERVISE_DECISIONS,
    Level,
)
from centers.scoping import region_in_scope, regions_for_user, scope_prefixes
from decisions import quorum, selectors, services
from decisions.forms import (
    AmendmentForm,
    AttachmentForm,
    BoardPhotoForm,
    CategoryForm,
    DisclosureForm,
    MatterFilterForm,
    MatterForm,
    MeetingForm,
    ObjectionAnswerForm,
    ObjectionForm,
    OpinionForm,
    RosterForm,
    RulesForm,
)
from decisions.models import BODIES_OF_STEP, MEETING_STEPS, STEP_ORDER, Body, Disclosure, Matter, Step
from spreadsheets.writing import xlsx_response

ONLY_VIEW = "您只能查看该村的决策事项。"


def _messages_of(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _form_errors(form) -> str:
    return "；".join(f"{form.fields[f].label}：{'；'.join(e)}" if f in form.fields else "；".join(e)
                    for f, e in form.errors.items())


def _managed_villages(user):
    return (regions_for_user(user, MANAGE_DECISIONS).filter(level=Level.VILLAGE)
            .order_by(center_selectors.pinyin("name")))


def _require_manages(user, village) -> None:
    if not region_in_scope(user, MANAGE_DECISIONS, village):
        raise PermissionDenied(ONLY_VIEW)


def _act(request, form, action, success: str) -> None:
    """The small POST actions of the matter page: validate, call the service, say how it went."""
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, success)


# -- matters ----------------------------------------------------------------------------------------


@login_required
def matter_list(request):
    form = MatterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    region = (center_selectors.region_get_for_user(user=request.user, code=request.GET["region"])
              if request.GET.get("region") else None)
    matters = selectors.matters_for_user(user=request.user, region=region, status=filters.get("status", ""),
                                         step=filters.get("step", ""), year=filters.get("year"),
                                         query=(filters.get("q") or "").strip())
    page = Paginator(matters, 30).get_page(request.GET.get("page"))
    return render(request, "decisions/matter_list.html", {
        "form": form, "page_obj": page, "region": region, "can_create": _managed_villages(request.user).exists(),
        "step_count": len(STEP_ORDER)})


@login_required
def matter_create(request):
    villages = _managed_villages(request.user)
    if not villages.exists():
        raise PermissionDenied("只有村干部可以登记决策事项。")
    chosen = villages.filter(code=request.POST.get("village_code") or request.GET.get("village")).first() \
        or villages.first()
    categories = selectors.categories_for_village(chosen)
    form = MatterForm(request.POST or None, villages=villages, categories=categories, initial={"village": chosen})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matter = services.matter_register(
                actor=request.user, village=data["village"], category=data["category"], title=data["title"],
                content=data["content"], estimated_amount=data["estimated_amount"], proposed_by=data["proposed_by"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "事项已登记，下一步：录入党组织提议会议。")
            return redirect(matter)
    return render(request, "decisions/matter_form.html", {"form": form, "villages": villages, "chosen": chosen})


def _progress(matter: Matter) -> list[dict]:
    """The six steps (and implementation) with done / current / waiting, for the step bar."""
    current = matter.step_index
    done_all = matter.status == Matter.Status.COMPLETED
    return [{"label": step.label, "state": "done" if done_all or i < current else
             ("current" if i == current else "waiting")} for i, step in enumerate(STEP_ORDER)]


@login_required
def matter_detail(request, pk: int):
    matter = selectors.matter_get_for_user(user=request.user, pk=pk)
    manages = region_in_scope(request.user, MANAGE_DECISIONS, matter.village)
    record = selectors.matter_record(matter=matter)
    resolution = next((d for d in record["disclosures"] if d.kind == Disclosure.Kind.RESOLUTION), None)
    next_action = ""
    if matter.is_open and manages:
        if matter.step in MEETING_STEPS:
            next_action = "meeting"
        elif matter.step == Step.RESOLUTION_DISCLOSURE and resolution is None:
            next_action = "disclose"
        elif matter.step == Step.IMPLEMENTATION:
            next_action = "result"
    for disclosure in record["disclosures"]:
        disclosure.running = disclosure.is_running(timezone.localdate())
        disclosure.corrections = selectors.corrections_by_field(disclosure.amendments.all())
    return render(request, "decisions/matter_detail.html", {
        "matter": matter, **record, "manages": manages, "next_action": next_action,
        "supervises": matter.is_open and region_in_scope(request.user, SUPERVISE_DECISIONS, matter.village),
        "opinion_form": OpinionForm(), "progress": _progress(matter), "resolution": resolution,
        "objection_form": ObjectionForm(initial={"received_on": timezone.localdate()}),
        "answer_form": ObjectionAnswerForm(initial={"answered_on": timezone.localdate()}),
        "attachment_form": AttachmentForm(), "board_form": BoardPhotoForm(),
        "today": timezone.localdate()})


@login_required
def meeting_create(request, pk: int):
    """The meeting of the matter's current step; "entitled" comes from the roster valid on the day."""
    matter = selectors.matter_get_for_user(user=request.user, pk=pk)
    _require_manages(request.user, matter.village)
    if request.method != "POST" and (not matter.is_open or matter.step not in MEETING_STEPS):
        messages.error(request, f"当前环节是“{matter.get_step_display()}”，不需要录入会议。"
                       if matter.is_open else services.MATTER_CLOSED[matter.status])
        return redirect(matter)
    # A POST goes to the service whatever the step, so that a refusal names the missing step.
    step = Step(matter.step) if matter.step in MEETING_STEPS else Step.PROPOSAL
    bodies = BODIES_OF_STEP[step]
    body = request.POST.get("body") or request.GET.get("body") or bodies[0]
    body = body if body in bodies else bodies[0]
    roster = services.roster_on(village=matter.village, day=timezone.localdate())
    initial = {"step": step.value, "version": matter.version, "body": body}
    if roster:
        initial.update(entitled=roster.entitled_for(body), households_total=roster.households)
    form = MeetingForm(request.POST or None, request.FILES or None, step=step, body=body, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()
                if k not in ("version", "attendance_sheet", "minutes_scan")}
        try:
            meeting = services.meeting_record(
                actor=request.user, matter=matter, version=form.cleaned_data["version"],
                data=services.MeetingInput(**{**data, "entitled_reason": data.get("entitled_reason") or ""}),
                attachments=form.attachments())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            level = messages.SUCCESS if meeting.passed else messages.WARNING
            messages.add_message(request, level, f"{meeting.get_body_display()}已录入：{meeting.outcome}。")
            return redirect(matter)
    return render(request, "decisions/meeting_form.html", {
        "matter": matter, "form": form, "step": step, "roster": roster,
        "rules": {b: quorum.rule_text(b) for b in bodies}, "bodies": [Body(b) for b in bodies]})


@login_required
def disclosure_create(request, pk: int):
    """决议公开 or 实施结果公开, whichever the matter is at."""
    matter = selectors.matter_get_for_user(user=request.user, pk=pk)
    _require_manages(request.user, matter.village)
    # Once the resolution is posted, the next posting can only be the result.
    result = matter.step == Step.IMPLEMENTATION or matter.disclosures.filter(kind=Disclosure.Kind.RESOLUTION).exists()
    if request.method != "POST" and (not matter.is_open or matter.step not in (Step.RESOLUTION_DISCLOSURE,
                                                                               Step.IMPLEMENTATION)
                                     or (matter.step == Step.RESOLUTION_DISCLOSURE and result)):
        messages.error(request, f"当前环节是“{matter.get_step_display()}”，现在不能张贴公示。")
        return redirect(matter)
    kind = Disclosure.Kind.RESULT if result else Disclosure.Kind.RESOLUTION
    initial = {"version": matter.version, "posted_on": timezone.localdate()}
    if not result:
        resolved = f"经{matter.resolved_on:%Y年%m月%d日}村民（代表）会议表决通过：" if matter.resolved_on else ""
        initial["text"] = f"{resolved}{matter.title}。{matter.content}"
    form = DisclosureForm(request.POST or None, request.FILES or None, result=result, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.disclosure_post(
                actor=request.user, matter=matter, version=data["version"], kind=kind,
                data=services.DisclosureInput(text=data["text"], posted_on=data["posted_on"],
                                              spent_amount=data.get("spent_amount"),
                                              acceptance=data.get("acceptance") or ""),
                board_photo=data.get("board_photo"))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{kind.label}已登记，公示期{services.rules_for(matter.village).disclosure_days}天。")
            return redirect(matter)
    return render(request, "decisions/disclosure_form.html", {
        "matter": matter, "form": form, "kind": kind, "rules": services.rules_for(matter.village)})


@login_required
@require_POST
def board_photo_add(request, pk: int):
    disclosure = selectors.disclosure_get_for_user(user=request.user, pk=pk)
    _require_manages(request.user, disclosure.matter.village)
    _act(request, BoardPhotoForm(request.POST, request.FILES),
         lambda data: services.board_photo_add(actor=request.user, disclosure=disclosure, photo=data["photo"]),
         "公开栏照片已上传。")
    return redirect(disclosure.matter)


@login_required
def amendment_create(request, pk: int):
    disclosure = selectors.disclosure_get_for_user(user=request.user, pk=pk)
    _require_manages(request.user, disclosure.matter.village)
    form = AmendmentForm(request.POST or None, initial={"field": request.GET.get("field", "text")})
    if disclosure.kind == Disclosure.Kind.RESOLUTION:
        form.fields["field"].choices = [c for c in form.fields["field"].choices if c[0] == "text"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.amendment_create(actor=request.user, disclosure=disclosure, field=data["field"],
                                      corrected=data["corrected"], reason=data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "更正已登记，公开栏上原内容与更正内容并列显示。")
            return redirect(disclosure.matter)
    current = {f: services.disclosed_value(disclosure, f) for f in ("text", "spent_amount", "acceptance")}
    return render(request, "decisions/amendment_form.html", {
        "disclosure": disclosure, "matter": disclosure.matter, "form": form, "current": current})


@login_required
@require_POST
def objection_create(request, pk: int):
    disclosure = selectors.disclosure_get_for_user(user=request.user, pk=pk)
    _require_manages(request.user, disclosure.matter.village)
    _act(request, ObjectionForm(request.POST),
         lambda data: services.objection_record(actor=request.user, disclosure=disclosure, **data),
         "异议已登记，请及时答复。")
    return redirect(disclosure.matter)


@login_required
@require_POST
def objection_answer(request, pk: int):
    objection = selectors.objection_get_for_user(user=request.user, pk=pk)
    matter = objection.disclosure.matter
    _require_manages(request.user, matter.village)
    _act(request, ObjectionAnswerForm(request.POST),
         lambda data: services.objection_answer(actor=request.user, objection=objection, **data), "答复已登记。")
    return redirect(matter)


@login_required
@require_POST
def opinion_create(request, pk: int):
    matter = selectors.matter_get_for_user(user=request.user, pk=pk)
    if not region_in_scope(request.user, SUPERVISE_DECISIONS, matter.village):
        raise PermissionDenied(services.NOT_A_SUPERVISOR)
    _act(request, OpinionForm(request.POST),
         lambda data: services.opinion_record(actor=request.user, matter=matter, **data), "监督意见已记录。")
    return redirect(matter)


@login_required
@require_POST
def matter_repropose(request, pk: int):
    matter = selectors.matter_get_for_user(user=request.user, pk=pk)
    _require_manages(request.user, matter.village)
    try:
        new = services.matter_repropose(actor=request.user, matter=matter)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
        return redirect(matter)
    messages.success(request, "已作为新事项重新提议，请从党组织提议开始。")
    return redirect(new)


@login_required
@require_POST
def attachment_add(request, pk: int):
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    _require_manages(request.user, meeting.matter.village)
    _act(request, AttachmentForm(request.POST, request.FILES),
         lambda data: services.attachment_add(actor=request.user, meeting=meeting, kind=data["kind"],
                                              uploaded=data["file"]), "附件已上传。")
    return redirect(meeting.matter)


def _file_response(field, content_type: str, *, download: bool) -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type, as_attachment=download,
                            filename=field.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
def attachment_file(request, pk: int):
    """Meeting papers only to users who may view the matter; PDFs always download, never render here."""
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    return _file_response(attachment.file, attachment.content_type,
                          download=attachment.content_type == "application/pdf")


@login_required
def board_photo_file(request, pk: int):
    photo = selectors.board_photo_get_for_user(user=request.user, pk=pk)
    return _file_response(photo.photo, mimetypes.guess_type(photo.photo.name)[0] or "image/jpeg", download=False)


@login_required
def matter_record(request, pk: int):
    """决策记录簿 of one matter, a printable page."""
    matter = selectors.matter_get_for_user(user=request.user, pk=pk)
    return render(request, "decisions/matter_record.html", {
        "matter": matter, **selectors.matter_record(matter=matter), "printed_at": timezone.localtime()})


@login_required
def record_book(request, code: str):
    """决策记录簿 of a village for a year: one sheet of matters, one of meetings."""
    from decisions.exports import record_book_xlsx

    village = center_selectors.region_get_for_user(user=request.user, code=code)
    if village.level != Level.VILLAGE:
        raise Http404
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    return xlsx_response(record_book_xlsx(village=village, year=year), f"{village.name}{year}年决策记录簿.xlsx")


# -- rosters ----------------------------------------------------------------------------------------


@login_required
def roster(request, code: str):
    """A village's body sizes over time; a new entry starts on its date (earlier ones stay for old meetings)."""
    village = center_selectors.region_get_for_user(user=request.user, code=code)
    if village.level != Level.VILLAGE:
        raise Http404
    manages = region_in_scope(request.user, MANAGE_DECISIONS, village)
    latest = selectors.rosters_of(village=village).first()
    initial = {"valid_from": timezone.localdate()}
    if latest:
        initial.update({f: getattr(latest, f) for f in RosterForm.base_fields if f != "valid_from"})
    form = RosterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _require_manages(request.user, village)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.roster_record(actor=request.user, village=village, valid_from=data.pop("valid_from"),
                                       counts=services.RosterCounts(**data))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "人数登记已保存。")
                return redirect(request.path)
    return render(request, "decisions/roster.html", {
        "village": village, "rosters": selectors.rosters_of(village=village), "form": form, "manages": manages})


# -- oversight --------------------------------------------------------------------------------------


@login_required
def oversight(request):
    """Township and county: matters by step per village, stuck and late matters, disclosures without a
    board photo and the supervision committees' objections."""
    from centers.views import report_scope

    region, _, _ = report_scope(request, timezone.localdate().replace(month=1, day=1))
    today = timezone.localdate()
    rules = services.rules_for(region)
    limit = selectors.OVERSIGHT_LIST
    stuck = selectors.stuck_matters(region=region, today=today, stuck_days=rules.stuck_days)
    late = selectors.late_matters(region=region)
    no_photo = selectors.disclosures_without_photo(region=region)
    objections = selectors.supervision_objections(region=region)
    return render(request, "decisions/oversight.html", {
        "region": region, "rows": selectors.matters_by_child(region=region), "steps": STEP_ORDER,
        "rules": rules, "today": today,
        "stuck": list(stuck[:limit]), "stuck_count": stuck.count(),
        "late": list(late[:limit]), "late_count": late.count(),
        "no_photo": list(no_photo[:limit]), "no_photo_count": no_photo.count(),
        "objections": list(objections[:limit]), "objections_count": objections.count(),
        "figures": selectors.decision_figures(region=region, year=today.year),
        "breadcrumbs": center_selectors.region_breadcrumbs(user=request.user, region=region)})


# -- categories and rules ---------------------------------------------------------------------------


@login_required
def categories(request):
    if not scope_prefixes(request.user, MANAGE_DECISION_CATEGORIES):
        raise PermissionDenied("只有县、乡镇管理员可以维护决策事项类别。")
    regions = (regions_for_user(request.user, MANAGE_DECISION_CATEGORIES)
               .filter(level__in=(Level.COUNTY, Level.TOWNSHIP)).order_by("code"))
    form = CategoryForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "事项类别已添加。")
            return redirect(request.path)
    return render(request, "decisions/categories.html", {
        "form": form, "categories": selectors.categories_managed(user=request.user)})


@login_required
@require_POST
def category_toggle(request, pk: int):
    category = selectors.category_get_for_user(user=request.user, pk=pk)
    try:
        services.category_toggle(actor=request.user, category=category)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    return redirect("decisions:categories")


@login_required
def rules(request):
    """A county's disclosure period and the time limits the oversight pages check."""
    if not scope_prefixes(request.user, MANAGE_CATALOG):
        raise PermissionDenied("只有县级管理员可以设置四议两公开规定。")
    counties = list(center_selectors.catalog_counties(user=request.user)[:200])
    if not counties:
        raise PermissionDenied("只有县级管理员可以设置四议两公开规定。")
    code = request.POST.get("county") or request.GET.get("county")
    county = (center_selectors.region_get_for_user(user=request.user, code=code, perm=MANAGE_CATALOG) if code
              else counties[0])
    if county.level != Level.COUNTY:
        raise Http404
    current = services.rules_for(county)
    form = RulesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_update(actor=request.user, county=county, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "四议两公开规定已保存。")
            return redirect(f"{request.path}?county={county.code}")
    return render(request, "decisions/rules.html", {"form": form, "counties": counties, "county": county})


