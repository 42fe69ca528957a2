"""The agreement part of a dispute (DOMAIN_RULES B.1.3 M7, M8, M13-M15): the agreement reached, the parties'
signatures and the seal, the signed scan, the printable 调解协议书, follow-up visits, closure, 司法确认 and
the case file (一案一卷). Thin views: a scoped fetch (404 out of scope, 403 without the permission to
act), a form, a service of mediation.services.agreements, a redirect to the agreement's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import personal_data_reveal_record
from core.formats import zh_date
from core.http import act, protected_file_response
from mediation import selectors_agreements as selectors
from mediation.forms_agreements import (
    AgreementForm,
    CloseForm,
    ConfirmationForm,
    ConfirmationResultForm,
    FollowUpForm,
    ScanForm,
    SealForm,
    SignForm,
)
from mediation.models import Agreement, Dispute, JudicialConfirmation, State
from mediation.permissions import MEDIATE_DISPUTES, REVEAL_PARTIES, VIEW_DISPUTES
from mediation.services import agreements as services
from mediation.services.agreements import AGREEMENT_EXISTS
from mediation.workflows import DISPUTE, Kind
from regions.scoping import get_for_user, region_in_scope

ONLY_VIEW = "您只能查看该纠纷，不能办理。"
NO_REVEAL = "您无权查看当事人的完整身份证号码。"
NO_FOLLOW_UP = "调解协议生效后、结案前才能回访。"


def _dispute(request, pk: int, act_perm: str | None = None, message: str = ONLY_VIEW, related=()) -> Dispute:
    """The dispute if the user may see cases of its handling region (else 404); with ``act_perm``, 403 when
    visible but not to be acted on (a grid assistant who only reports)."""
    return get_for_user(
        Dispute.objects.select_related("village", *related),
        user=request.user,
        perm=VIEW_DISPUTES,
        act=act_perm,
        message=message,
        pk=pk,
    )


def _back(dispute: Dispute) -> str:
    """After an action: the agreement part of the case's page."""
    return f"{dispute.get_absolute_url()}#agreement"


@login_required
def agreement_detail(request, pk: int):
    """The agreement part of the case on a page of its own (the case page includes the same section)."""
    dispute = _dispute(request, pk)
    return render(
        request,
        "mediation/agreements/agreement_detail.html",
        {"dispute": dispute, "agreement_part": selectors.agreement_part(dispute, request.user)},
    )


@login_required
def agreement_create(request, pk: int):
    """M7: 调解成功 with a written agreement (调解协议书) or an oral one."""
    dispute = _dispute(request, pk, MEDIATE_DISPUTES)
    if request.method != "POST":
        try:
            DISPUTE.check(dispute, Kind.AGREED)
            if Agreement.objects.filter(dispute=dispute).exists():
                raise ValidationError(AGREEMENT_EXISTS)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(_back(dispute))
    form = AgreementForm(
        request.POST or None,
        initial={"version": dispute.version, "reached_on": timezone.localdate(), "form": "written"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_record(
                actor=request.user,
                dispute=dispute,
                version=form.cleaned_data["version"],
                data=form.as_input(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "口头协议已记录并生效。"
                if agreement.is_effective
                else "调解协议书已记录：各方当事人签名、调解员签名并加盖调解委员会印章后生效。",
            )
            return redirect(_back(dispute))
    return render(request, "mediation/agreements/agreement_form.html", {"dispute": dispute, "form": form})


@login_required
@require_POST
def agreement_sign(request, pk: int):
    """M8: one party signs (签名、盖章或按指印) on a date."""
    dispute = _dispute(request, pk, MEDIATE_DISPUTES)
    act(
        request,
        SignForm(request.POST, parties=dispute.parties.all()),
        lambda data: services.agreement_sign(
            actor=request.user, dispute=dispute, party=data["party"], signed_on=data["signed_on"]
        ),
        lambda signature: f"已记录{signature.party.name}于{zh_date(signature.signed_on)}签署。",
    )
    return redirect(_back(dispute))


@login_required
@require_POST
def agreement_seal(request, pk: int):
    """M8: the mediator signs and the committee's seal is applied on a date."""
    dispute = _dispute(request, pk, MEDIATE_DISPUTES)
    act(
        request,
        SealForm(request.POST),
        lambda data: services.agreement_seal(
            actor=request.user, dispute=dispute, sealed_on=data["sealed_on"]
        ),
        lambda agreement: f"已记录调解员签名并于{zh_date(agreement.sealed_on)}加盖调解委员会印章。",
    )
    return redirect(_back(dispute))


@login_required
@require_POST
def agreement_scan_upload(request, pk: int):
    """The scan of the signed 调解协议书 (PDF or image), for the case file."""
    dispute = _dispute(request, pk, MEDIATE_DISPUTES)
    act(
        request,
        ScanForm(request.POST, request.FILES),
        lambda data: services.agreement_scan_upload(
            actor=request.user, dispute=dispute, uploaded=data["scan"]
        ),
        "协议书扫描件已上传。",
    )
    return redirect(_back(dispute))


@login_required
def agreement_scan(request, pk: int):
    """The signed scan, only to those who see the case; a PDF always downloads, never renders here."""
    dispute = _dispute(request, pk)
    agreement = selectors.agreement_of(dispute)
    if agreement is None or not agreement.scan:
        raise Http404
    content_type = services.scan_content_type(agreement)
    return protected_file_response(agreement.scan, content_type, download=content_type == "application/pdf")


@login_required
def agreement_print(request, pk: int):
    """调解协议书 on A4, one original per party and one kept. ID numbers are masked; a POST by a holder of
    the reveal permission prints them in full, and each party's reveal is recorded."""
    dispute = _dispute(
        request,
        pk,
        REVEAL_PARTIES if request.method == "POST" else None,
        NO_REVEAL,
        related=("village__parent", "handling_region"),
    )
    reveal = request.method == "POST"
    context = selectors.agreement_print(dispute, reveal=reveal)
    if context["agreement"] is None:
        raise Http404
    if reveal:
        for line in context["lines"]:
            if line.party.id_number:
                personal_data_reveal_record(
                    request=request, user=request.user, record=line.party, fields="id_number"
                )
    may_reveal = not reveal and region_in_scope(request.user, REVEAL_PARTIES, dispute.handling_region)
    return render(request, "mediation/agreements/agreement_print.html", {**context, "may_reveal": may_reveal})


@login_required
def follow_up_create(request, pk: int):
    """M13: a follow-up visit on the agreement's performance."""
    dispute = _dispute(request, pk, MEDIATE_DISPUTES)
    if request.method != "POST" and dispute.state not in (State.AGREED, State.FOLLOWING_UP):
        messages.error(request, NO_FOLLOW_UP)
        return redirect(_back(dispute))
    form = FollowUpForm(
        request.POST or None,
        initial={
            "version": dispute.version,
            "visited_on": timezone.localdate(),
            "visitor": request.user.real_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = services.follow_up_record(
                actor=request.user,
                dispute=dispute,
                version=form.cleaned_data["version"],
                data=form.as_input(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{zh_date(follow_up.visited_on)}的回访已记录。")
            return redirect(_back(dispute))
    return render(
        request,
        "mediation/agreements/follow_up_form.html",
        {"dispute": dispute, "form": form, "agreement": selectors.agreement_of(dispute)},
    )


@login_required
@require_POST
def dispute_close(request, pk: int):
    """M13: closed once the agreement is performed, or the parties went to court."""
    dispute = _dispute(request, pk, MEDIATE_DISPUTES)
    act(
        request,
        CloseForm(request.POST),
        lambda data: services.dispute_close(
            actor=request.user, dispute=dispute, version=data["version"], note=data.get("note") or ""
        ),
        "已结案，案卷（一案一卷）已完整。",
    )
    return redirect(_back(dispute))


@login_required
@require_POST
def confirmation_create(request, pk: int):
    """M14: the parties' joint application for 司法确认; after the 30 days it is kept and flagged."""
    dispute = _dispute(request, pk, MEDIATE_DISPUTES)
    act(
        request,
        ConfirmationForm(request.POST),
        lambda data: services.confirmation_record(
            actor=request.user, dispute=dispute, applied_on=data["applied_on"], court=data["court"]
        ),
        lambda c: "司法确认申请已记录。" if c.in_time else "司法确认申请已记录（超过30日申请期限）。",
    )
    return redirect(_back(dispute))


@login_required
@require_POST
def confirmation_result(request, pk: int, confirmation_pk: int):
    """The court's ruling on an application of this case (another case's application: 404)."""
    dispute = _dispute(request, pk, MEDIATE_DISPUTES)
    confirmation = JudicialConfirmation.objects.filter(dispute=dispute, pk=confirmation_pk).first()
    if confirmation is None:
        raise Http404
    act(
        request,
        ConfirmationResultForm(request.POST),
        lambda data: services.confirmation_result(
            actor=request.user, dispute=dispute, confirmation=confirmation, outcome=data["outcome"]
        ),
        "司法确认结果已记录。",
    )
    return redirect(_back(dispute))


@login_required
def case_file(request, pk: int):
    """一案一卷 (人民调解法 第27条): the whole case on one printable page."""
    dispute = _dispute(request, pk, related=selectors.PRINT_RELATED)
    return render(request, "mediation/agreements/case_file.html", selectors.case_file(dispute))


urlpatterns = [
    path("disputes/<int:pk>/agreement/", agreement_detail, name="agreement-detail"),
    path("disputes/<int:pk>/agreement/new/", agreement_create, name="agreement-create"),
    path("disputes/<int:pk>/agreement/sign/", agreement_sign, name="agreement-sign"),
    path("disputes/<int:pk>/agreement/seal/", agreement_seal, name="agreement-seal"),
    path("disputes/<int:pk>/agreement/scan/upload/", agreement_scan_upload, name="agreement-scan-upload"),
    path("disputes/<int:pk>/agreement/scan/", agreement_scan, name="agreement-scan"),
    path("disputes/<int:pk>/agreement/print/", agreement_print, name="agreement-print"),
    path("disputes/<int:pk>/follow-ups/new/", follow_up_create, name="follow-up-create"),
    path("disputes/<int:pk>/close/", dispute_close, name="dispute-close"),
    path("disputes/<int:pk>/confirmations/new/", confirmation_create, name="confirmation-create"),
    path(
        "disputes/<int:pk>/confirmations/<int:confirmation_pk>/result/",
        confirmation_result,
        name="confirmation-result",
    ),
    path("disputes/<int:pk>/file/", case_file, name="case-file"),
]
