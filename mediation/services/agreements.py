"""Agreements and what follows them (DOMAIN_RULES B.1.3 M7, M8, M13, M14): the agreement reached, its
signatures and seal (a written one takes effect only when all are recorded), follow-up visits, closure
and 司法确认."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.formats import zh_date
from mediation import rules
from mediation.models import (
    Agreement,
    Dispute,
    FollowUp,
    JudicialConfirmation,
    Party,
    Performance,
    Resolution,
    Signature,
    State,
)
from mediation.permissions import MEDIATE_DISPUTES
from mediation.services.common import dispute_changed, rules_for
from mediation.workflows import DISPUTE, Kind
from uploads.documents import document_clean
from uploads.storage import atomic_with_files, file_store

TERMS_REQUIRED = "请填写协议内容和履行方式。"
FACTS_REQUIRED = "书面协议须写明纠纷的主要事实、争议事项以及各方当事人的责任（《人民调解法》第二十九条）。"
WRITTEN_REQUIRED = "当事人要求订立书面协议的，应当制作调解协议书。"
REACHED_IN_FUTURE = "达成日期不能晚于今天。"
REACHED_BEFORE_ACCEPTED = "达成日期不能早于受理日期（{date}）。"
PERFORMANCE_BEFORE_REACHED = "履行期限不能早于达成日期。"
NOT_WRITTEN = "口头协议自达成之日起生效，无需签署和盖章。"
SIGNED_TWICE = "{name}已经签署。"
SIGNED_BEFORE_REACHED = "签署日期不能早于协议达成日期。"
SIGN_IN_FUTURE = "日期不能晚于今天。"
ALREADY_EFFECTIVE = "协议已于{date}生效。"
NOT_EFFECTIVE = "调解协议尚未生效（书面协议须各方当事人签名、调解员签名并加盖调解委员会印章），不能{action}。"
VISIT_IN_FUTURE = "回访日期不能晚于今天。"
VISIT_BEFORE_EFFECTIVE = "回访日期不能早于协议生效日期（{date}）。"
VISITOR_REQUIRED = "请填写回访人。"
CLOSE_NOT_PERFORMED = "最近一次回访显示协议尚未履行完毕：请督促履行，并告知当事人可以就协议的履行向人民法院提起诉讼（第三十二条）或申请司法确认（第三十三条）；履行完毕或当事人已起诉后方可结案。"
COURT_REQUIRED = "请填写人民法院名称。"
APPLIED_BEFORE_EFFECTIVE = "申请日期不能早于协议生效日期。"
NO_AGREEMENT = "本案没有调解协议。"
AGREEMENT_EXISTS = "本案已记录调解协议；书面协议待各方签署并盖章后生效。"
SCAN_ORAL = "口头协议没有协议书，无需上传扫描件。"
SCAN_REQUIRED = "请选择签署后的调解协议书扫描件（PDF、JPEG或PNG）。"

# A signed 调解协议书 of a few pages, scanned: PDF or a photo, checked by content (uploads.documents).
MAX_SCAN_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class AgreementInput:
    form: str
    terms: str
    performance_manner: str
    reached_on: dt.date
    facts: str = ""
    performance_due_on: dt.date | None = None
    written_requested: bool = False


def _effective_changes(
    dispute: Dispute, agreement: Agreement, effective_on: dt.date, *, actor=None
) -> Dispute:
    """The agreement took effect: 调解成功 (the transition), the dispute resolved (化解) at the agreement's
    level, and the first follow-up falls due. Until then a written agreement leaves the case in mediation,
    on its one-month clock. ``dispute`` is the locked row."""
    county_rules = rules_for(dispute.village)
    agreement.effective_on = effective_on
    agreement.follow_up_due_on = rules.follow_up_due_on(
        dispute.handling_region,
        effective_on=effective_on,
        performance_due_on=agreement.performance_due_on,
        after_performance_days=county_rules.follow_up_after_performance_days,
        after_effective_days=county_rules.follow_up_after_effective_days,
    )
    agreement.version += 1
    agreement.save(update_fields=["effective_on", "follow_up_due_on", "version"])
    dispute = DISPUTE.apply(
        dispute,
        Kind.AGREED,
        actor=actor,
        version=None,
        locked=dispute,
        changes={
            "resolution": Resolution.MEDIATED,
            "resolved_on": effective_on,
            "resolved_level": agreement.level,
            "concluded_on": effective_on,
        },
        payload={"form": agreement.form, "reached_on": agreement.reached_on},
    )
    DISPUTE.record(
        dispute,
        Kind.EFFECTIVE,
        actor=None,
        public=False,
        payload={"effective_on": effective_on, "follow_up_due_on": agreement.follow_up_due_on},
    )
    return dispute


@transaction.atomic
def agreement_record(
    *, actor, dispute: Dispute, version: int | None, data: AgreementInput, today: dt.date | None = None
) -> Agreement:
    """M7: 调解成功. A written agreement (调解协议书) carries the law's contents and waits for the parties'
    signatures, the mediator's and the seal (M8); an oral one takes effect the day it is reached (第30条)."""
    today = today or timezone.localdate()
    if data.form not in Agreement.Form.values:
        raise ValidationError("请选择协议形式。")
    if not data.terms.strip() or not data.performance_manner.strip():
        raise ValidationError(TERMS_REQUIRED)
    if data.form == Agreement.Form.WRITTEN and not data.facts.strip():
        raise ValidationError(FACTS_REQUIRED)
    if data.form == Agreement.Form.ORAL and data.written_requested:
        raise ValidationError(WRITTEN_REQUIRED)
    if data.reached_on > today:
        raise ValidationError(REACHED_IN_FUTURE)
    if data.performance_due_on is not None and data.performance_due_on < data.reached_on:
        raise ValidationError(PERFORMANCE_BEFORE_REACHED)

    dispute = DISPUTE.lock(dispute, version)
    DISPUTE.guard.require(actor, MEDIATE_DISPUTES, dispute)
    DISPUTE.check(dispute, Kind.AGREED)
    if Agreement.objects.filter(dispute=dispute).exists():
        raise ValidationError(AGREEMENT_EXISTS)
    if dispute.accepted_on and data.reached_on < dispute.accepted_on:
        raise ValidationError(REACHED_BEFORE_ACCEPTED.format(date=zh_date(dispute.accepted_on)))
    agreement = Agreement(
        dispute=dispute,
        form=data.form,
        level=dispute.level,
        facts=data.facts.strip(),
        terms=data.terms.strip(),
        performance_manner=data.performance_manner.strip()[:200],
        performance_due_on=data.performance_due_on,
        reached_on=data.reached_on,
        recorded_by=actor,
    )
    # An oral agreement (第30条) records what was agreed; the facts are required of a written one only.
    unchecked = ["dispute", "village", "recorded_by", "scan"]
    agreement.full_clean(
        exclude=unchecked if agreement.form == Agreement.Form.WRITTEN else [*unchecked, "facts"]
    )
    agreement.save()
    if agreement.form == Agreement.Form.ORAL:
        _effective_changes(dispute, agreement, data.reached_on, actor=actor)
    else:
        # 调解成功 when it takes effect (M8); until then the case stays in mediation, on its clock.
        DISPUTE.record(
            dispute,
            Kind.AGREEMENT_DRAFTED,
            actor=actor,
            public=False,
            payload={"form": data.form, "reached_on": data.reached_on},
        )
    dispute_changed(dispute)
    return agreement


def _agreement_locked(actor, dispute: Dispute) -> tuple[Dispute, Agreement]:
    locked = DISPUTE.lock(dispute, None)
    DISPUTE.guard.require(actor, MEDIATE_DISPUTES, locked)
    agreement = Agreement.objects.select_for_update().filter(dispute=locked).first()
    if agreement is None:
        raise ValidationError(NO_AGREEMENT)
    return locked, agreement


def _missing_for_effect(agreement: Agreement) -> list[str]:
    signed = set(agreement.signatures.values_list("party_id", flat=True))
    missing = [p.name for p in agreement.dispute.parties.order_by("id") if p.pk not in signed]
    if not agreement.mediator_signed:
        missing.append("调解员")
    if agreement.sealed_on is None:
        missing.append("调解委员会印章")
    return missing


def _maybe_effective(dispute: Dispute, agreement: Agreement, on: dt.date, actor=None) -> None:
    if agreement.effective_on is None and not _missing_for_effect(agreement):
        _effective_changes(dispute, agreement, on, actor=actor)


def _written_pending(actor, dispute: Dispute, on: dt.date, today: dt.date) -> tuple[Dispute, Agreement]:
    """The locked case and its written agreement still waiting for signatures or the seal, dated ``on``
    (not before the agreement was reached, not in the future)."""
    locked, agreement = _agreement_locked(actor, dispute)
    DISPUTE.ensure_open(locked)
    if agreement.form != Agreement.Form.WRITTEN:
        raise ValidationError(NOT_WRITTEN)
    if agreement.effective_on is not None:
        raise ValidationError(ALREADY_EFFECTIVE.format(date=zh_date(agreement.effective_on)))
    if on > today:
        raise ValidationError(SIGN_IN_FUTURE)
    if on < agreement.reached_on:
        raise ValidationError(SIGNED_BEFORE_REACHED)
    return locked, agreement


@transaction.atomic
def agreement_sign(
    *, actor, dispute: Dispute, party: Party, signed_on: dt.date, today: dt.date | None = None
) -> Signature:
    """M8: a party signs, seals or thumb-prints the written agreement; the last of the signatures and the
    seal makes it effective that day."""
    locked, agreement = _written_pending(actor, dispute, signed_on, today or timezone.localdate())
    party = Party.objects.get(pk=party.pk, dispute=locked)
    if Signature.objects.filter(agreement=agreement, party=party).exists():
        raise ValidationError(SIGNED_TWICE.format(name=party.name))
    signature = Signature.objects.create(
        agreement=agreement, party=party, signed_on=signed_on, recorded_by=actor
    )
    DISPUTE.record(
        locked, Kind.SIGNED, actor=actor, public=False, payload={"party": party.name, "on": signed_on}
    )
    _maybe_effective(locked, agreement, signed_on, actor=actor)
    dispute_changed(locked)
    return signature


@transaction.atomic
def agreement_seal(
    *, actor, dispute: Dispute, sealed_on: dt.date, mediator_signed: bool = True, today: dt.date | None = None
) -> Agreement:
    """M8: the mediator signs and the committee's seal is applied (第29条)."""
    locked, agreement = _written_pending(actor, dispute, sealed_on, today or timezone.localdate())
    agreement.sealed_on = sealed_on
    agreement.mediator_signed = mediator_signed
    agreement.version += 1
    agreement.save(update_fields=["sealed_on", "mediator_signed", "version"])
    DISPUTE.record(locked, Kind.SEALED, actor=actor, public=False, payload={"on": sealed_on})
    _maybe_effective(locked, agreement, sealed_on, actor=actor)
    dispute_changed(locked)
    return agreement


def missing_for_effect(agreement: Agreement) -> list[str]:
    """What a written agreement still lacks to take effect (names of parties, 调解员, the seal)."""
    return _missing_for_effect(agreement)


@dataclass(frozen=True)
class FollowUpInput:
    visited_on: dt.date
    visitor: str
    performance: str
    new_risk: bool = False
    notes: str = ""


@transaction.atomic
def follow_up_record(
    *, actor, dispute: Dispute, version: int | None, data: FollowUpInput, today: dt.date | None = None
) -> FollowUp:
    """M13: a follow-up visit on the agreement's performance. The first one answers the agreement's
    follow-up due date (回访率 counts it on time when made by then)."""
    today = today or timezone.localdate()
    if data.performance not in Performance.values:
        raise ValidationError("请选择履行情况。")
    if not data.visitor.strip():
        raise ValidationError(VISITOR_REQUIRED)
    if data.visited_on > today:
        raise ValidationError(VISIT_IN_FUTURE)
    agreement = Agreement.objects.filter(dispute=dispute).first()
    # Said before the state's refusal: a pending written agreement leaves the case in mediation.
    if agreement is None or agreement.effective_on is None:
        raise ValidationError(NOT_EFFECTIVE.format(action="回访"))

    def check(locked: Dispute) -> None:
        if data.visited_on < agreement.effective_on:
            raise ValidationError(VISIT_BEFORE_EFFECTIVE.format(date=zh_date(agreement.effective_on)))

    dispute = DISPUTE.apply(
        dispute,
        Kind.FOLLOW_UP,
        actor=actor,
        version=version,
        check=check,
        payload={"visited_on": data.visited_on, "performance": data.performance},
    )
    first = not dispute.follow_ups.exists()
    follow_up = FollowUp(
        dispute=dispute,
        visited_on=data.visited_on,
        due_on=agreement.follow_up_due_on if first else None,
        visitor=data.visitor.strip()[:60],
        performance=data.performance,
        new_risk=data.new_risk,
        notes=data.notes.strip(),
        recorded_by=actor,
    )
    follow_up.full_clean(exclude=["dispute", "village", "recorded_by"])
    follow_up.save()
    dispute_changed(dispute)
    return follow_up


@transaction.atomic
def dispute_close(*, actor, dispute: Dispute, version: int | None, note: str = "") -> Dispute:
    """M13/M15: closed once the agreement is performed, or the parties went to court; the file (一案一卷)
    is then complete."""

    def check(locked: Dispute) -> None:
        last = locked.follow_ups.order_by("-visited_on", "-id").first()
        if last is None or last.performance not in (Performance.PERFORMED, Performance.WENT_TO_COURT):
            raise ValidationError(CLOSE_NOT_PERFORMED)

    dispute = DISPUTE.apply(dispute, Kind.CLOSED, actor=actor, version=version, note=note, check=check)
    dispute_changed(dispute)
    return dispute


@transaction.atomic
def confirmation_record(
    *, actor, dispute: Dispute, applied_on: dt.date, court: str, today: dt.date | None = None
) -> JudicialConfirmation:
    """M14: the parties' joint application for 司法确认, recorded; made after the 30 days from the
    agreement's effect (第33条) it is kept and flagged out of time."""
    today = today or timezone.localdate()
    locked, agreement = _agreement_locked(actor, dispute)
    if agreement.effective_on is None:
        raise ValidationError(NOT_EFFECTIVE.format(action="申请司法确认"))
    if not (court or "").strip():
        raise ValidationError(COURT_REQUIRED)
    if applied_on > today:
        raise ValidationError(SIGN_IN_FUTURE)
    if applied_on < agreement.effective_on:
        raise ValidationError(APPLIED_BEFORE_EFFECTIVE)
    last_day = rules.confirmation_last_day(locked.handling_region, agreement.effective_on)
    confirmation = JudicialConfirmation.objects.create(
        dispute=locked,
        applied_on=applied_on,
        court=court.strip()[:60],
        in_time=applied_on <= last_day,
        recorded_by=actor,
    )
    DISPUTE.record(
        locked,
        Kind.CONFIRMATION,
        actor=actor,
        public=False,
        payload={
            "applied_on": applied_on,
            "court": confirmation.court,
            "in_time": confirmation.in_time,
            "last_day": last_day,
        },
    )
    dispute_changed(locked)
    return confirmation


@transaction.atomic
def confirmation_result(
    *, actor, dispute: Dispute, confirmation: JudicialConfirmation, outcome: str
) -> JudicialConfirmation:
    """The court's ruling on the application (确认有效 / 驳回)."""
    if outcome not in (JudicialConfirmation.Outcome.VALID, JudicialConfirmation.Outcome.INVALID):
        raise ValidationError("请选择司法确认结果。")
    locked = DISPUTE.lock(dispute, None)
    DISPUTE.guard.require(actor, MEDIATE_DISPUTES, locked)
    confirmation = JudicialConfirmation.objects.select_for_update().get(pk=confirmation.pk, dispute=locked)
    if confirmation.outcome != JudicialConfirmation.Outcome.PENDING:
        raise ValidationError("该申请已有结果。")
    confirmation.outcome = outcome
    confirmation.save(update_fields=["outcome"])
    DISPUTE.record(locked, Kind.CONFIRMATION_RESULT, actor=actor, public=False, payload={"outcome": outcome})
    return confirmation


@atomic_with_files
def agreement_scan_upload(*, actor, dispute: Dispute, uploaded) -> Agreement:
    """The scan of the signed 调解协议书 (一案一卷), checked by content (PDF or image, at most 10 MB) and
    stored beside the agreement; a later upload replaces the one shown (the audit history keeps the old
    name). A refused file stores nothing."""
    if uploaded is None:
        raise ValidationError(SCAN_REQUIRED)
    locked, agreement = _agreement_locked(actor, dispute)
    if agreement.form != Agreement.Form.WRITTEN:
        raise ValidationError(SCAN_ORAL)
    content, _content_type = document_clean(uploaded, max_bytes=MAX_SCAN_BYTES)
    file_store(agreement.scan, content)
    agreement.version += 1
    agreement.save(update_fields=["scan", "version"])
    dispute_changed(locked)
    return agreement


def scan_content_type(agreement: Agreement) -> str:
    """The stored scan's type, from the name uploads.documents gave it (.pdf, .jpg or .png)."""
    name = agreement.scan.name.lower()
    if name.endswith(".pdf"):
        return "application/pdf"
    return "image/png" if name.endswith(".png") else "image/jpeg"


OPEN_AFTER_AGREEMENT = (State.AGREED, State.FOLLOWING_UP)
