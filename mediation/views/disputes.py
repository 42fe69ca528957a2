"""Disputes: the list, registration (a grid worker's phone report, the service desk's intake) and each
transition of the case's state machine, one small POST each (a form, the service, a message, back to
the case's page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import personal_data_reveal_record
from core import registry
from core.formats import zh_date
from core.http import act
from core.middleware import personal_data
from mediation import selectors
from mediation import services as ms
from mediation.forms import (
    AcceptForm,
    DisputeFilterForm,
    DisputeForm,
    EscalateForm,
    ExtendForm,
    FailForm,
    MediatorsForm,
    PartyForm,
    PartyRefusalForm,
    PetitionForm,
    PoliceReportForm,
    RefuseForm,
    RiskForm,
    SessionForm,
    SettleForm,
    TerminateForm,
    TransferForm,
    WithdrawForm,
)
from mediation.models import (
    LEVEL_ORDER,
    OPEN_STATES,
    Agreement,
    Application,
    Dispute,
    EscalationReason,
    JudicialConfirmation,
    Level,
    NotAcceptedReason,
    Party,
    Performance,
    PetitionLevel,
    PoliceReport,
    RiskLevel,
    Source,
    State,
    TransferTarget,
)
from mediation.permissions import MEDIATE_DISPUTES, REPORT_DISPUTES, REVEAL_PARTIES, VIEW_DISPUTES
from mediation.selectors_agreements import agreement_part
from mediation.services.common import rules_for
from mediation.services.disputes import PARTY_REFUSED, escalation_refusal
from mediation.workflows import DISPUTE, Kind
from regions.scoping import region_in_scope, regions_for_user

NOT_A_REPORTER = "只有村（社区）干部、网格员、调解员和坐班人员可以登记矛盾纠纷。"
NOT_A_MEDIATOR = "您可以查看该纠纷，但不能办理：只有承办层级的调解人员可以办理。"
NOT_A_REPORTER_HERE = "您可以查看该纠纷，但不能补充当事人。"
NO_REVEAL = "您无权查看当事人的完整身份信息。"
REGISTERED = "纠纷已登记，案件编号{number}。"

# The registration form's fields, in the order a phone shows them: what is required first.
MAIN_FIELDS = ("village", "dispute_type", "source", "summary")
PARTY_FIELDS = tuple(
    f"party{i}_{name}" for i in (1, 2) for name in ("name", "side", "kind", "id_number", "phone")
)
RISK_FIELDS = ("risk_level", "may_intensify", "petition_threat", "key_person")
OPTIONAL_FIELDS = ("found_on", "amount", "people_involved", "grid")


def _dispute(request, pk: int, perm: str | None = None, message: str = NOT_A_MEDIATOR) -> Dispute:
    """The case if the user may see it (else 404); with ``perm``, 403 when seen but not held at the
    handling region."""
    dispute = selectors.dispute_get_for_user(user=request.user, pk=pk)
    if perm is not None and not region_in_scope(request.user, perm, dispute.handling_region):
        raise PermissionDenied(message)
    return dispute


# -- the list ---------------------------------------------------------------------------------------------


@login_required
def dispute_list(request):
    """The user's cases, filtered; each with its yellow/red flag. "只看超期" lists the red ones across the
    user's whole scope (the county sees every overdue case of its townships and villages)."""
    today = timezone.localdate()
    form = DisputeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    village = None
    if filters.get("village"):
        village = regions_for_user(request.user, VIEW_DISPUTES).filter(code=filters["village"]).first()
    disputes = selectors.disputes_for_user(
        user=request.user,
        today=today,
        state=filters.get("state", ""),
        level=filters.get("level", ""),
        dispute_type=filters.get("dispute_type", ""),
        source=filters.get("source", ""),
        overdue=filters.get("overdue") == "1",
        village=village,
        query=(filters.get("q") or "").strip(),
    )
    if filters.get("village") and village is None:
        disputes = disputes.none()
    page = Paginator(disputes, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "mediation/dispute_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": selectors.with_flags(page.object_list, today),
            "can_register": selectors.reporting_villages(user=request.user).exists(),
        },
    )


# -- registration ----------------------------------------------------------------------------------------


def _village_code(request) -> str:
    code = (request.GET.get("village") or "").strip()
    return code if code.isascii() and code.isdigit() and len(code) == 12 else ""


@login_required
def dispute_create(request):
    """M1 on one screen. ``?village=<code>`` (the service desk's intake link) picks the village, and a
    群众来访 registered from there is received by the cadre on duty; a grid worker starts from their grid
    with the source 网格排查."""
    villages = selectors.reporting_villages(user=request.user)
    if not villages.exists():
        raise PermissionDenied(NOT_A_REPORTER)
    initial: dict = {"source": Source.VISIT}
    code = _village_code(request)
    chosen = villages.filter(code=code).first() if code else None
    grid_post = None if chosen else selectors.grid_post_of(user=request.user)
    if chosen is not None:
        initial.update(village=chosen, desk=True)
    elif grid_post is not None and villages.filter(pk=grid_post.region_id).exists():
        initial.update(village=grid_post.region, grid=grid_post.grid, source=Source.GRID)
    form = DisputeForm(
        request.POST or None, villages=villages, grids=selectors.grids_of(villages), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = data["village"]
        received_by = None
        if data["source"] == Source.VISIT and data["desk"]:
            received_by = registry.duty_holder(village, timezone.localdate()) or request.user
        try:
            dispute = ms.dispute_register(
                actor=request.user,
                village=village,
                data=ms.DisputeInput(
                    source=data["source"],
                    dispute_type=data["dispute_type"],
                    summary=data["summary"],
                    parties=form.parties(),
                    grid=data["grid"],
                    found_on=data["found_on"],
                    amount=data["amount"],
                    people_involved=data["people_involved"],
                    risk_level=data["risk_level"],
                    may_intensify=data["may_intensify"],
                    petition_threat=data["petition_threat"],
                    key_person=data["key_person"],
                    received_by=received_by,
                ),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, REGISTERED.format(number=dispute.number))
            return redirect(dispute)
    return render(
        request,
        "mediation/dispute_form.html",
        {
            "form": form,
            "main_fields": [form[name] for name in MAIN_FIELDS],
            "party_fields": [form[name] for name in PARTY_FIELDS],
            "risk_fields": [form[name] for name in RISK_FIELDS],
            "optional_fields": [form[name] for name in OPTIONAL_FIELDS],
        },
    )


# -- the case page ---------------------------------------------------------------------------------------

# Which transition of the workflow opens which action box on the page.
ACTION_OF = {
    Kind.ACCEPTED: "accept",
    Kind.ESCALATION_ACCEPTED: "accept",
    Kind.NOT_ACCEPTED: "refuse",
    Kind.MEDIATORS_ASSIGNED: "assign",
    Kind.MEDIATOR_WITHDRAWN: "withdraw",
    Kind.SESSION: "session",
    Kind.EXTENDED: "extend",
    Kind.FAILED: "fail",
    Kind.TERMINATED: "terminate",
    Kind.SETTLED: "settle",
    Kind.ESCALATED: "escalate",
    Kind.TRANSFERRED: "transfer",
}


# The timeline's payload facts are stored as values: their labels (templates/mediation/includes/dispute_event.html).
TIMELINE_LABELS = {
    "source": Source.choices,
    "level": Level.choices,
    "application": Application.choices,
    "not_accepted": NotAcceptedReason.choices,
    "risk": RiskLevel.choices,
    "escalation": EscalationReason.choices,
    "transfer": TransferTarget.choices,
    "petition": PetitionLevel.choices,
    "performance": Performance.choices,
    "agreement_form": Agreement.Form.choices,
    "confirmation": JudicialConfirmation.Outcome.choices,
}


def _escalation_targets(dispute: Dispute) -> list[dict]:
    """The levels above the case's, each with why it may not go there (the skip rule), if it may not."""
    here = LEVEL_ORDER.index(dispute.level)
    return [
        {"value": level.value, "label": level.label, "refusal": escalation_refusal(dispute, level)}
        for level in LEVEL_ORDER[here + 1 :]
    ]


@login_required
def dispute_detail(request, pk: int):
    dispute = _dispute(request, pk)
    user = request.user
    today = timezone.localdate()
    county_rules = rules_for(dispute.village)
    page = selectors.dispute_page(dispute=dispute)
    allowed = {t.name for t in DISPUTE.allowed(dispute, user)}
    actions = {ACTION_OF[name] for name in allowed if name in ACTION_OF}
    active_mediators = [m for m in page.mediators if m.withdrawn_on is None]
    if not active_mediators:
        actions.discard("withdraw")
    may_mediate = region_in_scope(user, MEDIATE_DISPUTES, dispute.handling_region)
    is_open = dispute.is_open
    # Parties are added, and refuse, before an agreement; afterwards only its follow-up goes on.
    before_agreement = dispute.state in OPEN_STATES
    clock_label, clock_due = selectors.clock_of(dispute)
    refusing = next((p for p in page.parties if p.refuses_mediation), None)
    return render(
        request,
        "mediation/dispute_detail.html",
        {
            "dispute": dispute,
            "page": page,
            "active_mediators": active_mediators,
            "actions": actions,
            "clock_label": clock_label,
            "clock_due": clock_due,
            "flag": selectors.flag_of(dispute, today, county_rules.warn_days),
            "refusal_message": PARTY_REFUSED.format(name=refusing.name)
            if refusing is not None and dispute.state in (State.REGISTERED, State.ESCALATED)
            else "",
            "may_mediate": may_mediate and is_open,
            "may_add_party": before_agreement
            and region_in_scope(user, REPORT_DISPUTES, dispute.handling_region),
            "may_reveal": region_in_scope(user, REVEAL_PARTIES, dispute.handling_region),
            "may_police": may_mediate,
            "refusable_parties": [p for p in page.parties if not p.refuses_mediation]
            if before_agreement
            else [],
            "candidates": selectors.mediator_candidates(region=dispute.handling_region)
            if "assign" in actions
            else [],
            "escalation_targets": _escalation_targets(dispute) if "escalate" in actions else [],
            "agreement_part": agreement_part(dispute, user),
            "today": today,
            "choices": {
                "application": Application.choices,
                "not_accepted": NotAcceptedReason.choices,
                "risk": RiskLevel.choices,
                "police": PoliceReport.CaseKind.choices,
                "escalation": EscalationReason.choices,
                "transfer": TransferTarget.choices,
                "petition": PetitionLevel.choices,
                "side": Party.Side.choices,
                "kind": Party.Kind.choices,
            },
            "labels": TIMELINE_LABELS,
        },
    )


@personal_data
@login_required
@require_POST
def dispute_reveal(request, pk: int):
    """The parties' full ID numbers and phones, to those who may see them; each reveal recorded."""
    dispute = _dispute(request, pk, perm=REVEAL_PARTIES, message=NO_REVEAL)
    personal_data_reveal_record(request=request, user=request.user, record=dispute, fields="id_number,phone")
    return render(
        request, "mediation/includes/parties_revealed.html", {"parties": dispute.parties.order_by("id")}
    )


# -- the actions: one form, one service, a message, back to the case ----------------------------------


@dataclass(frozen=True)
class Action:
    """A POST on a case: ``form(request, dispute)`` the bound form, ``run(request, dispute, data)`` the
    service, ``success`` the message (or a function of the service's result)."""

    form: Callable
    run: Callable
    success: str | Callable
    perm: str = MEDIATE_DISPUTES


def _party_input(data: dict) -> ms.PartyInput:
    return ms.PartyInput(
        name=data["name"],
        side=data["side"],
        kind=data["kind"],
        id_number=data["id_number"],
        phone=data["phone"],
        address=data["address"],
        representative=data["representative"],
    )


def _mediators(data: dict) -> list[ms.MediatorInput]:
    return [
        ms.MediatorInput(
            name=data["name"],
            user=data["user"],
            is_lead=data["is_lead"],
            chosen_by_parties=data["chosen_by_parties"],
        )
    ]


def _accepted(dispute: Dispute) -> str:
    return f"已受理，调解期限至{zh_date(dispute.due_on)}。"


ACTIONS: dict[str, Action] = {
    "accept": Action(
        lambda r, d: AcceptForm(r.POST),
        lambda r, d, data: ms.dispute_accept(
            actor=r.user, dispute=d, version=data["version"], application=data["application"]
        ),
        _accepted,
    ),
    "refuse": Action(
        lambda r, d: RefuseForm(r.POST),
        lambda r, d, data: ms.dispute_refuse(
            actor=r.user, dispute=d, version=data["version"], reason=data["reason"], advice=data["advice"]
        ),
        "已决定不予受理，并记录了告知当事人的解决途径。",
    ),
    "party-refuse": Action(
        lambda r, d: PartyRefusalForm(r.POST, dispute=d),
        lambda r, d, data: ms.party_refusal_record(
            actor=r.user, dispute=d, party=data["party"], note=data["note"]
        ),
        lambda party: f"已记录：当事人{party.name}明确拒绝调解。",
    ),
    "party-add": Action(
        lambda r, d: PartyForm(r.POST),
        lambda r, d, data: ms.party_add(actor=r.user, dispute=d, data=_party_input(data)),
        lambda party: f"已补充当事人{party.name}。",
        perm=REPORT_DISPUTES,
    ),
    "assign": Action(
        lambda r, d: MediatorsForm(
            r.POST, candidates=selectors.mediator_candidates(region=d.handling_region)
        ),
        lambda r, d, data: ms.mediators_assign(
            actor=r.user, dispute=d, version=data["version"], mediators=_mediators(data)
        ),
        "已指派调解员。",
    ),
    "withdraw": Action(
        lambda r, d: WithdrawForm(r.POST, dispute=d),
        lambda r, d, data: ms.mediator_withdraw(
            actor=r.user, dispute=d, mediator=data["mediator"], reason=data["reason"]
        ),
        lambda mediator: f"调解员{mediator.name}已回避（退出）本案。",
    ),
    "session": Action(
        lambda r, d: SessionForm(r.POST),
        lambda r, d, data: ms.session_record(
            actor=r.user,
            dispute=d,
            version=data["version"],
            data=ms.SessionInput(**{k: v for k, v in data.items() if k != "version"}),
        ),
        "已记录本次调解。",
    ),
    "risk": Action(
        lambda r, d: RiskForm(r.POST),
        lambda r, d, data: ms.risk_assess(actor=r.user, dispute=d, **data),
        "已更新风险研判。",
    ),
    "police": Action(
        lambda r, d: PoliceReportForm(r.POST),
        lambda r, d, data: ms.police_report_record(actor=r.user, dispute=d, **data),
        "已记录向公安机关报告的情况。",
    ),
    "extend": Action(
        lambda r, d: ExtendForm(r.POST, parties=d.parties.order_by("id")),
        lambda r, d, data: ms.mediation_extend(
            actor=r.user,
            dispute=d,
            version=data["version"],
            months=data["months"],
            consenting_party_ids=data["consents"],
            reason=data["reason"],
        ),
        lambda d: f"已延长调解期限至{zh_date(d.due_on)}。",
    ),
    "fail": Action(
        lambda r, d: FailForm(r.POST),
        lambda r, d, data: ms.mediation_fail(actor=r.user, dispute=d, **data),
        "已记录调解不成，并告知当事人其他解决途径。",
    ),
    "terminate": Action(
        lambda r, d: TerminateForm(r.POST),
        lambda r, d, data: ms.mediation_terminate(actor=r.user, dispute=d, **data),
        "已终止调解。",
    ),
    "settle": Action(
        lambda r, d: SettleForm(r.POST),
        lambda r, d, data: ms.dispute_settle(actor=r.user, dispute=d, **data),
        "已记录为已化解（自行和解等）。",
    ),
    "escalate": Action(
        lambda r, d: EscalateForm(r.POST),
        lambda r, d, data: ms.dispute_escalate(actor=r.user, dispute=d, **data),
        lambda d: f"已上报至{d.get_level_display()}，待上级受理。",
    ),
    "transfer": Action(
        lambda r, d: TransferForm(r.POST),
        lambda r, d, data: ms.dispute_transfer(actor=r.user, dispute=d, **data),
        lambda d: f"已转交{d.get_transferred_to_display()}（{d.transferred_body}）。",
    ),
    "petition": Action(
        lambda r, d: PetitionForm(r.POST),
        lambda r, d, data: ms.petition_record(actor=r.user, dispute=d, **data),
        "已登记信访情况。",
    ),
}


@login_required
@require_POST
def dispute_act(request, pk: int, action: str):
    """One of ACTIONS on the case; whatever happens, back to the case's page with a message. After an
    escalation the case may have left the user's sight: then back to the list."""
    spec = ACTIONS[action]
    dispute = _dispute(
        request,
        pk,
        perm=spec.perm,
        message=NOT_A_REPORTER_HERE if spec.perm == REPORT_DISPUTES else NOT_A_MEDIATOR,
    )
    try:
        act(request, spec.form(request, dispute), lambda data: spec.run(request, dispute, data), spec.success)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    if not selectors.disputes_visible(user=request.user).filter(pk=dispute.pk).exists():
        return redirect("mediation:dispute-list")
    return redirect(dispute)


urlpatterns = [
    path("", dispute_list, name="dispute-list"),
    path("disputes/new/", dispute_create, name="dispute-create"),
    path("disputes/<int:pk>/", dispute_detail, name="dispute-detail"),
    path("disputes/<int:pk>/reveal/", dispute_reveal, name="dispute-reveal"),
    *(
        path(f"disputes/<int:pk>/{action}/", dispute_act, {"action": action}, name=f"dispute-{action}")
        for action in ACTIONS
    ),
]
