"""Views of democratic decisions: matters and their steps, the record book, oversight, categories."""

from __future__ import annotations

import mimetypes
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import personal_data_reveal_record
from core import region_cache
from core.formats import zh_date
from core.http import CSRF_PLACEHOLDER, act, attempt, protected_file_response, with_csrf_token
from decisions import caching, quorum, selectors, services
from decisions.forms import (
    AmendmentForm,
    AmendmentSignoffForm,
    AttachmentForm,
    BoardPhotoForm,
    CategoryForm,
    DisclosureForm,
    DisclosurePhotoForm,
    MatterFilterForm,
    MatterForm,
    MeetingForm,
    MeetingPapersForm,
    ObjectionAnswerForm,
    ObjectionForm,
    OpinionForm,
    ReviewAnswerForm,
    ReviewDecideForm,
    ReviewForm,
    RosterForm,
    SupervisionAnswerForm,
    SupervisionCloseForm,
    TerminateForm,
    WithdrawForm,
)
from decisions.models import (
    BODIES_OF_STEP,
    MEETING_STEPS,
    STEP_ORDER,
    Amendment,
    BoardPhoto,
    Body,
    Disclosure,
    DisclosureReview,
    Majority,
    Matter,
    MatterTimelineEvent,
    Meeting,
    MeetingAttachment,
    Objection,
    Step,
    SupervisionOpinion,
)
from decisions.permissions import MANAGE_DECISION_CATEGORIES, MANAGE_DECISIONS, SUPERVISE_DECISIONS
from decisions.services.opinions import NOT_A_SUPERVISOR, NOT_A_SUPERVISOR_CLOSE
from decisions.services.reviews import NOT_A_REVIEWER, NOT_A_SIGNER
from decisions.workflows import MATTER, MATTER_CLOSED, Kind, may_terminate, may_withdraw, refusal
from regions.forms import UrgeForm, UrgingAnswerForm
from regions.reports import report_scope
from regions.roles import URGE, Level, Role
from regions.scoping import get_for_user, region_in_scope, regions_for_user, require_somewhere
from regions.selectors import (
    pinyin,
    post_holders,
    region_breadcrumbs,
    region_get_for_user,
    urging_of,
    urgings_of,
)
from regions.services import list_entry_toggle
from regions.services.urging import NOT_ALLOWED_TO_URGE
from spreadsheets.writing import xlsx_response

ONLY_VIEW = "您只能查看该村的决策事项。"
NO_CATEGORY_PERMISSION = "只有县、乡镇管理员可以维护决策事项类别。"
# The page each offered transition opens (the others happen inside those pages or overnight).
OFFERED = {
    MatterTimelineEvent.Kind.MEETING_HELD: ("decisions:meeting-create", "录入“{step}”会议"),
    MatterTimelineEvent.Kind.RESOLUTION_DISCLOSED: ("decisions:disclosure-create", "张贴决议公开"),
    MatterTimelineEvent.Kind.RESULT_DISCLOSED: ("decisions:disclosure-create", "公开实施结果"),
}


def _managed_villages(user):
    return regions_for_user(user, MANAGE_DECISIONS).filter(level=Level.VILLAGE).order_by(pinyin("name"))


def _get(model, request, pk: int, act: str | None = None, message: str = ONLY_VIEW, related=()):
    """A matter or one of its rows: 404 out of view scope, 403 when visible but ``act`` is not held."""
    return get_for_user(
        model.objects.select_related(*related), user=request.user, pk=pk, act=act, message=message
    )


MATTER_RELATED = ("village__parent", "category", "created_by", "previous")


def _matter(request, pk: int, act: str | None = None, message: str = ONLY_VIEW) -> Matter:
    return _get(Matter, request, pk, act, message, MATTER_RELATED)


# -- matters ----------------------------------------------------------------------------------------


@login_required
def matter_list(request):
    form = MatterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    region = (
        region_get_for_user(user=request.user, code=request.GET["region"])
        if request.GET.get("region")
        else None
    )
    matters = selectors.matters_for_user(
        user=request.user,
        region=region,
        status=filters.get("status", ""),
        step=filters.get("step", ""),
        year=filters.get("year"),
        query=(filters.get("q") or "").strip(),
        open_objection=filters.get("objection") == "open",
    )
    page = Paginator(matters, 30).get_page(request.GET.get("page"))
    managed = list(_managed_villages(request.user)[:2])
    # The record book of the village the list is about: the one picked, or a cadre's only village.
    book_village = region if region and region.level == Level.VILLAGE else None
    if book_village is None and len(managed) == 1:
        book_village = managed[0]
    return render(
        request,
        "decisions/matter_list.html",
        {
            "form": form,
            "page_obj": page,
            "region": region,
            "can_create": bool(managed),
            "step_count": len(STEP_ORDER),
            # For those who follow villages (the township, the county); a village's own cadres see their
            # objections on the matter and on the next step's form.
            "open_objection_count": None
            if managed
            else selectors.matters_for_user(user=request.user, region=region, open_objection=True).count(),
            "book_village": book_village,
            "book_year": filters.get("year") or timezone.localdate().year,
        },
    )


@login_required
def matter_create(request):
    villages = _managed_villages(request.user)
    if not villages.exists():
        raise PermissionDenied("只有村干部可以登记决策事项。")
    wanted = request.POST.get("village_code") or request.GET.get("village") or ""
    chosen = (
        villages.filter(code=wanted).first() if wanted.isascii() and wanted.isdigit() else None
    ) or villages.first()
    categories = selectors.categories_for_village(chosen)
    form = MatterForm(
        request.POST or None, villages=villages, categories=categories, initial={"village": chosen}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matter = services.matter_register(
                actor=request.user,
                village=data["village"],
                category=data["category"],
                title=data["title"],
                content=data["content"],
                estimated_amount=data["estimated_amount"],
                proposed_by=data["proposed_by"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "事项已登记，下一步：录入党组织提议会议。")
            return redirect(matter)
    return render(
        request, "decisions/matter_form.html", {"form": form, "villages": villages, "chosen": chosen}
    )


def _progress(matter: Matter) -> list[dict]:
    """The six steps (and implementation) with done / current / waiting, for the step bar."""
    current = matter.step_index
    done_all = matter.status == Matter.Status.COMPLETED
    return [
        {
            "label": step.label,
            "state": "done" if done_all or i < current else ("current" if i == current else "waiting"),
        }
        for i, step in enumerate(STEP_ORDER)
    ]


def _next_actions(matter: Matter, user, reviews: list[DisclosureReview]) -> list[dict]:
    """What the workflow offers this user next, as links to the pages that record it. A posting is offered
    once the 村务监督委员会 has reviewed its content; before that, sending it for review is."""
    actions = []
    due = services.review_due_kind(matter)
    latest = selectors.latest_review(reviews, due, matter.round) if due else None
    if due and MATTER.guard.allows(user, MANAGE_DECISIONS, matter):
        if latest is None or (not latest.is_pending and latest.verdict == DisclosureReview.Verdict.OBJECT):
            label = "送村务监督委员会审核" if latest is None else "修改后重新送审"
            actions.append(
                {
                    "url": reverse("decisions:review-create", args=[matter.pk]),
                    "label": f"{label}（{Disclosure.Kind(due).label}）",
                }
            )
        if latest is None or not latest.clears_posting:
            return actions
    for transition in MATTER.allowed(matter, user, offered_only=True):
        url_name, label = OFFERED[transition.name]
        actions.append(
            {
                "url": reverse(url_name, args=[matter.pk]),
                "label": label.format(step=matter.get_step_display()),
            }
        )
    return actions


@login_required
def matter_detail(request, pk: int):
    """The matter with its meetings, postings, opinions and timeline. The body is rendered once per matter
    version (every write bumps it, decisions.caching) and viewer's part (may they manage, supervise)."""
    # The title, the state and the village alone for the scope check (a join of five tables costs a
    # millisecond of planning); the rest is read only when the body has to be rendered.
    matter = get_for_user(
        Matter.objects.only("id", "title", "status", "village__id", "village__prefix", "village__code"),
        user=request.user,
        pk=pk,
    )
    manages = region_in_scope(request.user, MANAGE_DECISIONS, matter.village)
    # The committee closes its objections also after the matter ended; new opinions only while it is open.
    closes = region_in_scope(request.user, SUPERVISE_DECISIONS, matter.village)
    supervises = matter.is_open and closes
    urges = region_in_scope(request.user, URGE, matter.village)
    today = timezone.localdate()

    def render_body() -> str:
        matter = Matter.objects.select_related(*MATTER_RELATED).get(pk=pk)
        record = selectors.matter_record(matter=matter, today=today)
        resolution = next(
            (
                d
                for d in record["disclosures"]
                if d.kind == Disclosure.Kind.RESOLUTION and d.round == matter.round
            ),
            None,
        )
        closed_by = (MatterTimelineEvent.Kind.WITHDRAWN, MatterTimelineEvent.Kind.TERMINATED)
        due = services.review_due_kind(matter)
        return render_to_string(
            "decisions/includes/matter_body.html",
            {
                "matter": matter,
                **record,
                "manages": manages,
                "supervises": supervises,
                "closes": closes,
                "record_year": selectors.record_book_year(matter),
                "next_actions": _next_actions(matter, request.user, record["reviews"]),
                "review_due": due,
                "review_verdicts": DisclosureReview.Verdict.choices,
                "signoff_choices": Amendment.Signoff.choices,
                "review_latest": selectors.latest_review(record["reviews"], due, matter.round)
                if due
                else None,
                "opinion_form": OpinionForm(),
                "progress": _progress(matter),
                "resolution": resolution,
                # Withdrawn or terminated: the event that closed it carries the reason.
                "closing": next((e for e in reversed(record["events"]) if e.kind in closed_by), None),
                "may_withdraw": manages and matter.is_open and may_withdraw(matter),
                "may_terminate": manages and matter.is_open and may_terminate(matter),
                "attachment_form": AttachmentForm(),
                "today": today,
                "urgings": urgings_of(matter),
                "may_urge": urges and services.matter_is_stuck(matter, today),
                "csrf_token": CSRF_PLACEHOLDER,
            },
        )

    body = region_cache.cached_for_record(
        caching.MATTER_PAGE,
        matter.pk,
        f"page:{int(manages)}{int(supervises)}{int(closes)}{int(urges)}:{today}",
        render_body,
    )
    return render(
        request, "decisions/matter_detail.html", {"matter": matter, "body": with_csrf_token(request, body)}
    )


def _confirming(request) -> str:
    """Which button sent the form: "confirm" (确认提交: record it), "edit" (返回修改: the form again, filled),
    or "" (the first submit: show the outcome to confirm). Only "confirm" ever records anything."""
    if request.POST.get("confirm") == "1":
        return "confirm"
    return "edit" if "edit" in request.POST else ""


@login_required
def meeting_create(request, pk: int):
    """The meeting of the matter's current step; "entitled" comes from the roster valid on the day.

    Filled in, it is not saved: the page shows what the system computed (quorum, result, with the figures)
    and the user goes back to fix a typo or confirms; only the confirmation records (and freezes) it."""
    matter = _matter(request, pk, act=MANAGE_DECISIONS)
    if request.method != "POST" and (not matter.is_open or matter.step not in MEETING_STEPS):
        messages.error(
            request,
            f"当前环节是“{matter.get_step_display()}”，不需要录入会议。"
            if matter.is_open
            else MATTER_CLOSED[matter.status],
        )
        return redirect(matter)
    # A POST goes to the service whatever the step, so that a refusal names the missing step.
    step = Step(matter.step) if matter.step in MEETING_STEPS else Step.PROPOSAL
    bodies = BODIES_OF_STEP[step]
    body = request.POST.get("body") or request.GET.get("body") or bodies[0]
    body = body if body in bodies else bodies[0]
    roster = selectors.roster_on(village=matter.village, day=timezone.localdate())
    initial = {"step": step.value, "version": matter.version, "body": body}
    if roster:
        initial.update(entitled=roster.entitled_for(body), households_total=roster.households)
    # The category's majority is the resolution's; the other steps follow their body's rule.
    majority = matter.category.majority if step == Step.RESOLUTION else Majority.STANDARD
    # A step tried before without a quorum comes back with that attempt's place, chair and figures.
    initial.update(selectors.meeting_retry_initial(matter=matter, step=step, body=body))
    form = MeetingForm(request.POST or None, step=step, body=body, initial=initial)
    papers = MeetingPapersForm(request.POST or None, request.FILES or None)
    page = {
        "matter": matter,
        "form": form,
        "step": step,
        "roster": roster,
        "rules": {b: quorum.rule_text(b, majority) for b in bodies},
        "bodies": [Body(b) for b in bodies],
        "open_objections": selectors.open_supervision_objections(matter=matter),
    }
    button = _confirming(request)
    if request.method == "POST" and form.is_valid() and button != "edit":
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data = services.MeetingInput(**{**data, "entitled_reason": data.get("entitled_reason") or ""})
        version = form.cleaned_data["version"]
        try:
            if button == "confirm" and papers.is_valid():
                meeting = services.meeting_record(
                    actor=request.user,
                    matter=matter,
                    version=version,
                    data=data,
                    attachments=papers.attachments(),
                )
                level = messages.SUCCESS if meeting.passed else messages.WARNING
                messages.add_message(
                    request, level, f"{meeting.get_body_display()}已录入：{meeting.outcome}。"
                )
                return redirect(matter)
            checked = services.meeting_preview(actor=request.user, matter=matter, version=version, data=data)
        except ValidationError as exc:
            if button != "confirm":
                form.add_error(None, exc)
                return render(request, "decisions/meeting_form.html", page)
            # A refusal at the confirmation (a bad file) is shown there, beside the outcome.
            papers.add_error(None, exc)
            checked = _recheck(
                form,
                lambda: services.meeting_preview(
                    actor=request.user, matter=matter, version=version, data=data
                ),
            )
            if checked is None:
                return render(request, "decisions/meeting_form.html", page)
        return render(
            request,
            "decisions/meeting_confirm.html",
            {**page, "checked": checked, "outcome": checked.outcome, "papers": papers},
        )
    return render(request, "decisions/meeting_form.html", page)


def _recheck(form, preview):
    """The outcome to show again beside a refusal at the confirmation; None (the refusal put on the form)
    when the entries themselves no longer pass."""
    try:
        return preview()
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
def disclosure_create(request, pk: int):
    """决议公开 or 实施结果公开, whichever the matter is at; confirmed (with its period shown) before it is
    posted, as a meeting is."""
    matter = _matter(request, pk, act=MANAGE_DECISIONS)
    # Once the resolution is posted, the next posting can only be the result.
    result = matter.step == Step.IMPLEMENTATION or matter.disclosed_on is not None
    if request.method != "POST" and (
        not matter.is_open
        or matter.step not in (Step.RESOLUTION_DISCLOSURE, Step.IMPLEMENTATION)
        or (matter.step == Step.RESOLUTION_DISCLOSURE and result)
    ):
        messages.error(request, f"当前环节是“{matter.get_step_display()}”，现在不能张贴公示。")
        return redirect(matter)
    kind = Disclosure.Kind.RESULT if result else Disclosure.Kind.RESOLUTION
    initial = {"version": matter.version, "posted_on": timezone.localdate()}
    # The posting carries the content the committee reviewed.
    reviewed = selectors.latest_review(selectors.reviews_of(matter=matter), kind, matter.round)
    initial.update(_review_content(matter, kind, reviewed))
    form = DisclosureForm(request.POST or None, result=result, initial=initial)
    photo = DisclosurePhotoForm(request.POST or None, request.FILES or None)
    rules = services.rules_for(matter.village)
    page = {
        "matter": matter,
        "form": form,
        "kind": kind,
        "rules": rules,
        "open_objections": selectors.open_supervision_objections(matter=matter),
        "reviewed": reviewed,
    }
    button = _confirming(request)
    if request.method == "POST" and form.is_valid() and button != "edit":
        cleaned = form.cleaned_data
        version = cleaned["version"]
        data = services.DisclosureInput(
            text=cleaned["text"],
            posted_on=cleaned["posted_on"],
            spent_amount=cleaned.get("spent_amount"),
            acceptance=cleaned.get("acceptance") or "",
        )

        def preview():
            return services.disclosure_preview(
                actor=request.user, matter=matter, version=version, kind=kind, data=data
            )

        try:
            if button == "confirm" and photo.is_valid():
                services.disclosure_post(
                    actor=request.user,
                    matter=matter,
                    version=version,
                    kind=kind,
                    data=data,
                    board_photo=photo.cleaned_data.get("board_photo"),
                )
                messages.success(request, f"{kind.label}已登记，公示期{rules.disclosure_days}天。")
                return redirect(matter)
            checked = preview()
        except ValidationError as exc:
            if button != "confirm":
                form.add_error(None, exc)
                return render(request, "decisions/disclosure_form.html", page)
            photo.add_error(None, exc)
            checked = _recheck(form, preview)
            if checked is None:
                return render(request, "decisions/disclosure_form.html", page)
        return render(
            request, "decisions/disclosure_confirm.html", {**page, "checked": checked, "photo": photo}
        )
    return render(request, "decisions/disclosure_form.html", page)


def _review_content(matter: Matter, kind: str, review: DisclosureReview | None) -> dict:
    """A posting's form starts from the last content sent for review, else from the resolution."""
    if review is not None:
        content = {"text": review.text}
        if kind == Disclosure.Kind.RESULT:
            content.update(spent_amount=review.spent_amount, acceptance=review.acceptance)
        return content
    if kind == Disclosure.Kind.RESOLUTION:
        resolved = f"经{zh_date(matter.resolved_on)}村民（代表）会议表决通过：" if matter.resolved_on else ""
        return {"text": f"{resolved}{matter.title}。{matter.content}"}
    return {}


@login_required
def review_create(request, pk: int):
    """The village sends the content of the posting due (决议公开 or 实施结果公开) to the 村务监督委员会."""
    matter = _matter(request, pk, act=MANAGE_DECISIONS)
    due = services.review_due_kind(matter)
    if request.method != "POST" and due is None:
        messages.error(request, f"当前环节是“{matter.get_step_display()}”，现在没有需要送审的公开内容。")
        return redirect(matter)
    # A POST goes to the service whatever the step, so that a refusal names the step.
    kind = due or (Disclosure.Kind.RESOLUTION if matter.disclosed_on is None else Disclosure.Kind.RESULT)
    reviews = [r for r in selectors.reviews_of(matter=matter) if r.kind == kind]
    result = kind == Disclosure.Kind.RESULT
    form = ReviewForm(
        request.POST or None,
        result=result,
        initial=_review_content(matter, kind, reviews[-1] if reviews else None),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_submit(
                actor=request.user,
                matter=matter,
                kind=kind,
                data=services.ReviewInput(
                    text=data["text"],
                    spent_amount=data.get("spent_amount"),
                    acceptance=data.get("acceptance") or "",
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已送村务监督委员会审核，审核后即可张贴。")
            return redirect(matter)
    return render(
        request,
        "decisions/review_form.html",
        {"matter": matter, "form": form, "kind": Disclosure.Kind(kind), "reviews": reviews},
    )


@login_required
@require_POST
def review_decide(request, pk: int):
    """A member of the 村务监督委员会 agrees to the submitted content, or objects with a reason."""
    review = _get(DisclosureReview, request, pk, SUPERVISE_DECISIONS, NOT_A_REVIEWER, related=("matter",))
    act(
        request,
        ReviewDecideForm(request.POST),
        lambda data: services.review_decide(actor=request.user, review=review, **data),
        lambda review: "审核意见已记录，已通知村里。",
    )
    return redirect(review.matter)


@login_required
@require_POST
def review_answer(request, pk: int):
    """The village answers the committee's objection to the submitted content."""
    review = _get(DisclosureReview, request, pk, MANAGE_DECISIONS, related=("matter",))
    act(
        request,
        ReviewAnswerForm(request.POST),
        lambda data: services.review_answer(actor=request.user, review=review, **data),
        "答复已记录，已通知村务监督委员会。",
    )
    return redirect(review.matter)


@login_required
@require_POST
def amendment_signoff(request, pk: int):
    """A member of the 村务监督委员会 confirms a correction of substance (a new period starts) or refuses it."""
    amendment = _get(
        Amendment, request, pk, SUPERVISE_DECISIONS, NOT_A_SIGNER, related=("disclosure__matter",)
    )
    act(
        request,
        AmendmentSignoffForm(request.POST),
        lambda data: services.amendment_signoff(actor=request.user, amendment=amendment, **data),
        lambda a: (
            f"更正已确认，更正公示期{zh_date(a.posted_on)}至{zh_date(a.ends_on)}。"
            if a.posted_on
            else "已不予确认，已通知村里。"
        ),
    )
    return redirect(amendment.disclosure.matter)


@login_required
@require_POST
def board_photo_add(request, pk: int):
    disclosure = _get(Disclosure, request, pk, MANAGE_DECISIONS, related=("matter",))
    act(
        request,
        BoardPhotoForm(request.POST, request.FILES),
        lambda data: services.board_photo_add(actor=request.user, disclosure=disclosure, photo=data["photo"]),
        "公开栏照片已上传。",
    )
    return redirect(disclosure.matter)


@login_required
def amendment_create(request, pk: int):
    disclosure = _get(Disclosure, request, pk, MANAGE_DECISIONS, related=("matter",))
    form = AmendmentForm(request.POST or None, initial={"field": request.GET.get("field", "text")})
    if disclosure.kind == Disclosure.Kind.RESOLUTION:
        form.fields["field"].choices = [c for c in form.fields["field"].choices if c[0] == "text"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amendment = services.amendment_create(
                actor=request.user,
                disclosure=disclosure,
                field=data["field"],
                corrected=data["corrected"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "更正已登记，待村务监督委员会确认后生效并重新公示。"
                if amendment.needs_signoff
                else "更正已登记，公开栏上原内容与更正内容并列显示。",
            )
            return redirect(disclosure.matter)
    current = {f: selectors.disclosed_value(disclosure, f) for f in ("text", "spent_amount", "acceptance")}
    return render(
        request,
        "decisions/amendment_form.html",
        {
            "disclosure": disclosure,
            "matter": disclosure.matter,
            "form": form,
            "current": current,
            "rules": services.rules_for(disclosure.village),
        },
    )


@login_required
@require_POST
def objection_create(request, pk: int):
    disclosure = _get(Disclosure, request, pk, MANAGE_DECISIONS, related=("matter",))
    act(
        request,
        ObjectionForm(request.POST),
        lambda data: services.objection_record(actor=request.user, disclosure=disclosure, **data),
        "异议已登记，请及时答复。",
    )
    return redirect(disclosure.matter)


@login_required
@require_POST
def objection_answer(request, pk: int):
    objection = _get(Objection, request, pk, MANAGE_DECISIONS, related=("disclosure__matter",))
    matter = objection.disclosure.matter
    act(
        request,
        ObjectionAnswerForm(request.POST),
        lambda data: services.objection_answer(actor=request.user, objection=objection, **data),
        "答复已登记。",
    )
    return redirect(matter)


@login_required
@require_POST
def matter_urge(request, pk: int):
    """督办 on a stuck matter, by a township or county official."""
    matter = _matter(request, pk, act=URGE, message=NOT_ALLOWED_TO_URGE)
    act(
        request,
        UrgeForm(request.POST),
        lambda data: services.matter_urge(actor=request.user, matter=matter, **data),
        "已督办，已通知村党组织书记和事项登记人。",
    )
    return redirect(matter)


@login_required
@require_POST
def matter_urging_answer(request, pk: int, urging_pk: int):
    """The village answers a 督办 on its matter."""
    matter = _matter(request, pk, act=MANAGE_DECISIONS)
    urging = urging_of(matter, urging_pk)
    act(
        request,
        UrgingAnswerForm(request.POST),
        lambda data: services.matter_urging_answer(actor=request.user, matter=matter, urging=urging, **data),
        "已回复督办。",
    )
    return redirect(matter)


@login_required
@require_POST
def opinion_create(request, pk: int):
    matter = _matter(request, pk, act=SUPERVISE_DECISIONS, message=NOT_A_SUPERVISOR)
    act(
        request,
        OpinionForm(request.POST),
        lambda data: services.opinion_record(actor=request.user, matter=matter, **data),
        "监督意见已记录。",
    )
    return redirect(matter)


@login_required
@require_POST
def supervision_objection_answer(request, pk: int):
    """The village answers the supervision committee's objection."""
    opinion = _get(SupervisionOpinion, request, pk, MANAGE_DECISIONS, related=("matter",))
    act(
        request,
        SupervisionAnswerForm(request.POST),
        lambda data: services.supervision_objection_answer(actor=request.user, opinion=opinion, **data),
        "答复已记录，已通知村务监督委员会。",
    )
    return redirect(opinion.matter)


@login_required
@require_POST
def supervision_objection_close(request, pk: int):
    """The supervision committee closes its objection after the village answered it."""
    opinion = _get(
        SupervisionOpinion, request, pk, SUPERVISE_DECISIONS, NOT_A_SUPERVISOR_CLOSE, related=("matter",)
    )
    act(
        request,
        SupervisionCloseForm(request.POST),
        lambda data: services.supervision_objection_close(actor=request.user, opinion=opinion, **data),
        "异议已关闭。",
    )
    return redirect(opinion.matter)


@login_required
@require_POST
def matter_repropose(request, pk: int):
    matter = _matter(request, pk, act=MANAGE_DECISIONS)
    created = []
    attempt(
        request,
        lambda: created.append(services.matter_repropose(actor=request.user, matter=matter)),
        "已作为新事项重新提议，请从党组织提议开始。",
    )
    return redirect(created[0] if created else matter)


@login_required
@require_POST
def attachment_add(request, pk: int):
    meeting = _get(Meeting, request, pk, MANAGE_DECISIONS, related=("matter",))
    act(
        request,
        AttachmentForm(request.POST, request.FILES),
        lambda data: services.attachment_add(
            actor=request.user, meeting=meeting, kind=data["kind"], uploaded=data["file"]
        ),
        "附件已上传。",
    )
    return redirect(meeting.matter)


@login_required
def attachment_file(request, pk: int):
    """Meeting papers only to users who may view the matter; PDFs always download, never render here."""
    attachment = _get(MeetingAttachment, request, pk)
    return protected_file_response(
        attachment.file, attachment.content_type, download=attachment.content_type == "application/pdf"
    )


@login_required
def board_photo_file(request, pk: int):
    photo = _get(BoardPhoto, request, pk)
    return protected_file_response(photo.photo, mimetypes.guess_type(photo.photo.name)[0] or "image/jpeg")


@login_required
def matter_record(request, pk: int):
    """决策记录簿 of one matter, a printable page."""
    matter = _matter(request, pk)
    return render(
        request,
        "decisions/matter_record.html",
        {
            "matter": matter,
            **selectors.matter_record(matter=matter, today=timezone.localdate()),
            "printed_at": timezone.localtime(),
        },
    )


@login_required
def record_book(request, code: str):
    """决策记录簿 of a village for a year: one sheet of matters, one of meetings."""
    from decisions.exports import record_book_xlsx

    village = region_get_for_user(user=request.user, code=code)
    if village.level != Level.VILLAGE:
        raise Http404
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    return xlsx_response(
        record_book_xlsx(village=village, year=year), f"{village.name}{year}年决策记录簿.xlsx"
    )


# -- rosters ----------------------------------------------------------------------------------------


@login_required
def roster(request, code: str):
    """A village's body sizes over time; a new entry starts on its date (earlier ones stay for old meetings)."""
    village = region_get_for_user(user=request.user, code=code)
    if village.level != Level.VILLAGE:
        raise Http404
    manages = region_in_scope(request.user, MANAGE_DECISIONS, village)
    latest = selectors.rosters_of(village=village).first()
    initial = {"valid_from": timezone.localdate()}
    if latest:
        initial.update({f: getattr(latest, f) for f in RosterForm.base_fields if f != "valid_from"})
    # The 两委 as the portal knows them (posts held now), each person once: a check beside the typed figure.
    two_committees_on_posts = len(
        post_holders([village], (Role.VILLAGE_SECRETARY, Role.VILLAGE_COMMITTEE)).get(village.pk, [])
    )
    form = RosterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(ONLY_VIEW)
        if form.is_valid():
            data = form.cleaned_data
            try:
                recorded = services.roster_record(
                    actor=request.user,
                    village=village,
                    valid_from=data.pop("valid_from"),
                    counts=services.RosterCounts(**data),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "人数登记已保存。")
                if recorded.representatives_short:
                    messages.warning(request, services.representatives_short_text(recorded))
                return redirect(request.path)
    return render(
        request,
        "decisions/roster.html",
        {
            "village": village,
            "rosters": selectors.rosters_of(village=village),
            "latest": latest,
            "form": form,
            "manages": manages,
            "two_committees_on_posts": two_committees_on_posts,
        },
    )


# -- oversight --------------------------------------------------------------------------------------


@login_required
def oversight(request):
    """Township and county: matters by step per village, stuck and late matters, disclosures without a
    board photo and the supervision committees' objections."""
    scope = report_scope(request, timezone.localdate().replace(month=1, day=1))
    region = scope.region
    today = timezone.localdate()
    rules = services.rules_for(region)
    limit = selectors.OVERSIGHT_LIST
    stuck_before = today - timedelta(days=rules.stuck_days)
    # One aggregate gives the year's figures and the stuck and late counts; the lists show the first ones.
    figures = selectors.decision_figures(region=region, year=today.year, stuck_before=stuck_before)
    no_photo = selectors.disclosures_without_photo(region=region)
    objections = selectors.supervision_objections(region=region)
    short_notice = selectors.short_notice_meetings(region=region)
    short_notice_first = list(short_notice[:limit])
    # Rare rows: counted only when the first page is full (one query in the usual case).
    short_notice_count = len(short_notice_first) if len(short_notice_first) < limit else short_notice.count()
    return render(
        request,
        "decisions/oversight.html",
        {
            "region": region,
            "rows": selectors.matters_by_child(region=region),
            "steps": STEP_ORDER,
            "rules": rules,
            "today": today,
            "figures": figures,
            "stuck": list(
                selectors.stuck_matters(region=region, today=today, stuck_days=rules.stuck_days)[:limit]
            ),
            "stuck_count": figures["stuck"],
            "late": list(selectors.late_matters(region=region)[:limit]),
            "late_count": figures["late"],
            "no_photo": list(no_photo[:limit]),
            "no_photo_count": no_photo.count(),
            "objections": list(objections[:limit]),
            "objections_count": objections.count(),
            "short_notice": short_notice_first,
            "short_notice_count": short_notice_count,
            "breadcrumbs": region_breadcrumbs(user=request.user, region=region),
        },
    )


# -- categories -------------------------------------------------------------------------------------


@login_required
def categories(request):
    require_somewhere(request.user, MANAGE_DECISION_CATEGORIES, message=NO_CATEGORY_PERMISSION)
    regions = (
        regions_for_user(request.user, MANAGE_DECISION_CATEGORIES)
        .filter(level__in=(Level.COUNTY, Level.TOWNSHIP))
        .order_by("code")
    )
    form = CategoryForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "事项类别已添加。")
            return redirect(request.path)
    return render(
        request,
        "decisions/categories.html",
        {"form": form, "categories": selectors.categories_managed(user=request.user)},
    )


@login_required
@require_POST
def category_toggle(request, pk: int):
    category = selectors.category_get_for_user(user=request.user, pk=pk)
    attempt(
        request,
        lambda: list_entry_toggle(actor=request.user, entry=category),
        lambda category: f"“{category.name}”已{'启用' if category.is_active else '停用'}。",
    )
    return redirect("decisions:categories")


# -- upheld objections, villagers' objections, withdrawing and terminating ------------------------------


@login_required
@require_POST
def objection_uphold(request, pk: int):
    """异议成立: the objection is answered with its reason and the matter goes back to 决议."""
    objection = _get(Objection, request, pk, MANAGE_DECISIONS, related=("disclosure__matter",))
    matter = objection.disclosure.matter
    act(
        request,
        ObjectionAnswerForm(request.POST),
        lambda data: services.objection_uphold(
            actor=request.user, objection=objection, reason=data["answer"], answered_on=data["answered_on"]
        ),
        "已认定异议成立，事项退回“村民（代表）会议决议”环节，请重新召开会议表决。",
    )
    return redirect(matter)


@login_required
@require_POST
def objection_reveal(request, pk: int):
    """A villager's full phone, once, to those who manage the village's matters; each reveal recorded."""
    objection = _get(Objection, request, pk, MANAGE_DECISIONS)
    if objection.source != Objection.Source.PUBLIC:
        raise Http404
    personal_data_reveal_record(request=request, user=request.user, record=objection, fields="name,phone")
    return render(request, "decisions/includes/objection_revealed.html", {"o": objection})


@login_required
@require_POST
def matter_withdraw(request, pk: int):
    """撤回 before any resolution passed, with the reason."""
    matter = _matter(request, pk, act=MANAGE_DECISIONS)
    act(
        request,
        WithdrawForm(request.POST),
        lambda data: services.matter_withdraw(actor=request.user, matter=matter, **data),
        "事项已撤回，不再办理。",
    )
    return redirect(matter)


@login_required
def matter_terminate(request, pk: int):
    """终止 after the resolution: the reason is posted as the result disclosure "未实施"."""
    matter = _matter(request, pk, act=MANAGE_DECISIONS)
    if request.method != "POST" and not (matter.is_open and may_terminate(matter)):
        messages.error(
            request,
            MATTER_CLOSED[matter.status] if not matter.is_open else refusal(matter, MATTER[Kind.TERMINATED]),
        )
        return redirect(matter)
    form = TerminateForm(request.POST or None, initial={"version": matter.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.matter_terminate(actor=request.user, matter=matter, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "事项已终止，“未实施”及其原因已在村务公开栏公开。")
            return redirect(matter)
    rules = services.rules_for(matter.village)
    return render(
        request, "decisions/matter_terminate.html", {"matter": matter, "form": form, "rules": rules}
    )
