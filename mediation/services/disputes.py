"""Disputes from registration to the end of mediation (DOMAIN_RULES B.1.3 M1-M12): each write checks its
rule, takes its transition through mediation.workflows.DISPUTE (lock, version, state, timeline event) and
tells whoever must act next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.formats import zh_date
from core.personal_data import contact_phone_validate, id_number_validate
from mediation import rules
from mediation.kinds import MediationReminder
from mediation.models import (
    LEVEL_ORDER,
    OPEN_STATES,
    Agreement,
    Application,
    CaseMediator,
    Dispute,
    Escalation,
    EscalationReason,
    Level,
    NotAcceptedReason,
    Party,
    PetitionLevel,
    PoliceReport,
    Resolution,
    RiskLevel,
    Session,
    Source,
    State,
    TransferTarget,
)
from mediation.permissions import MEDIATE_DISPUTES, REPORT_DISPUTES
from mediation.services.common import dispute_changed, region_of_level, rules_for
from mediation.workflows import DISPUTE, NOT_YOURS, Kind
from notifications.services import notification_create
from regions.models import Grid, Post, Region
from regions.roles import GRID_ROLES, roles_granting
from regions.roles import Level as RegionLevel
from regions.scoping import region_in_scope, require, require_level
from regions.selectors import post_holders

NOT_A_VILLAGE = "纠纷须登记在发生地所在的村（社区）。"
NO_PARTY = "请至少填写一方当事人。"
SUMMARY_REQUIRED = "请填写纠纷的简要情况。"
GRID_NOT_HERE = "所选网格不属于该村，或已停用。"
GRID_REPORTER_REQUIRED = "网格排查发现的纠纷须写明报告的网格员。"
FOUND_IN_FUTURE = "发现日期不能晚于今天。"
LEVEL_NOT_YOURS = "您不能以{level}身份登记纠纷。"
TWO_PARTIES = "受理调解须有双方（或多方）当事人：请先补充当事人信息。"
PARTY_REFUSED = (
    "当事人{name}明确拒绝调解，不得受理调解（《人民调解法》第十七条：当事人一方明确拒绝调解的，不得调解）。"
)
PARTY_REFUSED_SESSION = "当事人{name}已明确拒绝调解，不得继续调解（《人民调解法》第十七条）；请终止调解。"
APPLICATION_REQUIRED = "请选择调解的启动方式：当事人书面申请、口头申请或调解委员会主动调解。"
REASON_FROM_LIST = "请从列表中选择不予受理的理由。"
ADVICE_REQUIRED = "请写明告知当事人的其他解决途径（如依法通过仲裁、行政、司法等途径）。"
MEDIATOR_REQUIRED = "请至少指派一名调解员。"
ONE_LEAD = "须指定一名（且只有一名）主持调解的调解员。"
LEAD_EXISTS = "本案已有主持调解员{name}；如需更换，请先办理回避或退出。"
MEDIATOR_NOT_HERE = "{name}不是本级的调解人员，不能指派。"
MEDIATOR_TWICE = "{name}已是本案的调解员。"
MEDIATOR_GONE = "该调解员已经回避或退出。"
WITHDRAW_REASON = "请写明回避或退出的原因。"
SESSION_BEFORE_ACCEPTED = "调解日期不能早于受理日期（{date}）。"
SESSION_IN_FUTURE = "调解日期不能晚于今天。"
NO_MEDIATOR = "请先指派调解员。"
RIGHTS_FIRST_SESSION = (
    "首次调解须告知当事人在调解活动中享有的权利和承担的义务（《人民调解法》第二十三条、第二十四条）。"
)
EXTENSION_NO_CONSENT = "延长调解期限须经全部当事人同意，以下当事人未同意：{names}。"
EXTENSION_LIMIT = "已延期{n}次，达到本县规定的上限；请以调解不成、终止、上报或转交结束本案。"
EXTENSION_TOO_LONG = "每次最多延长{months}个月。"
EXTENSION_AFTER_DUE = "调解期限（{date}）已过，不能再延期；请以调解不成、终止、上报或转交结束本案。"
EXTENSION_REASON = "请写明延期的理由。"
ESCALATE_TOP = "县级已是最高层级，不能再上报；如需其他部门处理，请转交。"
ESCALATE_DOWN = "只能向上一级上报。"
ESCALATE_SKIP = "上报须逐级进行（{from_level}只能上报至{next_level}）；只有重大风险的纠纷可以越级上报。"
ESCALATE_REASON = "请选择上报理由。"
ESCALATED_MEDIATORS = "案件已上报至{level}，本级调解结束"
TRANSFER_TARGET = "请选择转交去向并写明接收单位。"
POLICE_UNIT = "请写明报告的公安机关。"
SETTLE_EVIDENCE = "请写明化解的情况和依据（如双方自行和解的书面材料）。"
PARTIES_FIXED = (
    "调解协议已经记录，不能再补充当事人或记录拒绝调解；如协议未生效，请以调解不成或终止结束本案后重新登记。"
)
NOT_A_GRID_WORKER = (
    "网格排查发现的纠纷须由该村的网格员登记；其他人员登记的，请选择实际来源（如群众来访、来电）。"
)
GRID_ESCALATION_BY_VILLAGE = "网格上报的纠纷须由村级调解人员（村两委、村调解员）受理。"
NOT_IN_TOWNSHIP = "该村不在乡镇之下，不能上报至乡级。"
PETITION_START_FUTURE = "信访起始日期不能晚于今天。"
AMOUNT_INVALID = "涉及金额须在0至1000000000元之间。"
PEOPLE_INVALID = "涉及人数须在1至100000人之间。"

FAILURE_ADVICE_DEFAULT = "依法通过仲裁、行政、司法等途径解决"
MAX_AMOUNT = Decimal("1000000000")


@dataclass(frozen=True)
class PartyInput:
    name: str
    side: str = Party.Side.APPLICANT
    kind: str = Party.Kind.PERSON
    id_number: str = ""
    phone: str = ""
    address: str = ""
    representative: str = ""


@dataclass
class DisputeInput:
    source: str
    dispute_type: str
    summary: str
    parties: list[PartyInput] = field(default_factory=list)
    grid: Grid | None = None
    found_on: dt.date | None = None
    amount: Decimal | None = None
    people_involved: int = 2
    risk_level: str = RiskLevel.ORDINARY
    may_intensify: bool = False
    petition_threat: bool = False
    key_person: bool = False
    reported_by: object | None = None
    received_by: object | None = None
    level: str | None = None


def _party(dispute: Dispute, data: PartyInput) -> Party:
    party = Party(
        dispute=dispute,
        name=data.name.strip(),
        side=data.side,
        kind=data.kind,
        id_number=id_number_validate(data.id_number) if data.id_number.strip() else "",
        phone=contact_phone_validate(data.phone) if data.phone.strip() else "",
        address=data.address.strip(),
        representative=data.representative.strip(),
    )
    party.full_clean(exclude=["dispute", "village"])
    return party


def _new_number(today: dt.date) -> str:
    """TJ + date + a serial of the day. A transaction-scoped advisory lock on the day makes the serial
    safe against two registrations at once (the unique constraint stays the last word)."""
    prefix = f"TJ{today:%Y%m%d}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [prefix])
    last = (
        Dispute.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


def _default_level(data: DisputeInput) -> str:
    if data.level:
        return data.level
    return Level.GRID if data.grid is not None else Level.VILLAGE


@transaction.atomic
def dispute_register(*, actor, village: Region, data: DisputeInput, today: dt.date | None = None) -> Dispute:
    """M1: a dispute found by a grid worker, brought to the desk, phoned in, handed down or entrusted.

    It is registered at the village where it arose; at grid level when a grid is named, else at the
    level given (a township's 司法所 may register a case it takes itself)."""
    today = today or timezone.localdate()
    require_level(village, (RegionLevel.VILLAGE,), message=NOT_A_VILLAGE)
    level = _default_level(data)
    handling_region = region_of_level(village, level)
    if handling_region is None:
        raise ValidationError(NOT_IN_TOWNSHIP)
    require(actor, REPORT_DISPUTES, handling_region, message=LEVEL_NOT_YOURS.format(level=Level(level).label))
    summary = (data.summary or "").strip()
    if not summary:
        raise ValidationError(SUMMARY_REQUIRED)
    if not [p for p in data.parties if p.name.strip()]:
        raise ValidationError(NO_PARTY)
    if data.grid is not None and (data.grid.village_id != village.pk or not data.grid.is_active):
        raise ValidationError(GRID_NOT_HERE)
    found_on = data.found_on or today
    if found_on > today:
        raise ValidationError(FOUND_IN_FUTURE)
    reported_by = data.reported_by
    if data.source == Source.GRID and reported_by is None:
        if actor is None:
            raise ValidationError(GRID_REPORTER_REQUIRED)
        if not Post.objects.filter(
            user=actor, region=village, role__in=GRID_ROLES, ended_on__isnull=True
        ).exists():
            raise ValidationError(NOT_A_GRID_WORKER)
        reported_by = actor
    if data.amount is not None and not Decimal(0) <= data.amount <= MAX_AMOUNT:
        raise ValidationError(AMOUNT_INVALID)
    if not 1 <= data.people_involved <= 100000:
        raise ValidationError(PEOPLE_INVALID)
    county_rules = rules_for(village)
    dispute = Dispute(
        number=_new_number(today),
        village=village,
        grid=data.grid,
        handling_region=handling_region,
        level=level,
        state=State.REGISTERED,
        source=data.source,
        dispute_type=data.dispute_type,
        summary=summary,
        amount=data.amount,
        people_involved=data.people_involved,
        is_group=data.people_involved >= county_rules.group_threshold,
        risk_level=data.risk_level,
        may_intensify=data.may_intensify,
        petition_threat=data.petition_threat,
        key_person=data.key_person,
        found_on=found_on,
        registered_by=actor if actor is not None else reported_by,
        reported_by=reported_by,
        received_by=data.received_by or actor,
        level_since=today,
        accept_due_on=rules.accept_due_on(village, today, county_rules.accept_working_days),
    )
    dispute.full_clean(exclude=["registered_by"] if dispute.registered_by is None else None)
    parties = [_party(dispute, p) for p in data.parties if p.name.strip()]
    dispute.save()
    for party in parties:
        party.dispute = dispute
        party.save()
    DISPUTE.record(
        dispute,
        Kind.REGISTERED,
        actor=actor,
        created=True,
        public=False,
        payload={"source": dispute.source, "level": level, "parties": len(parties), "found_on": found_on},
    )
    _tell_handlers(
        dispute,
        kind=MediationReminder.REPORTED,
        title=f"新登记纠纷待受理：{village.name}（{dispute.number}）",
        skip=actor,
    )
    dispute_changed(dispute)
    return dispute


def _tell_handlers(dispute: Dispute, *, kind: str, title: str, skip=None) -> None:
    """Everyone who mediates at the handling region is told (the village's cadres and mediators, the
    township's 司法所, the county's 政法委)."""
    holders = post_holders([dispute.handling_region], roles_granting(MEDIATE_DISPUTES))
    for user in holders.get(dispute.handling_region_id, []):
        if skip is None or user.pk != skip.pk:
            notification_create(recipient=user, kind=kind, title=title, url=dispute.get_absolute_url())


def _refusing_party(dispute: Dispute) -> Party | None:
    return dispute.parties.filter(refuses_mediation=True).order_by("id").first()


def _accept_changes(dispute: Dispute, today: dt.date) -> dict:
    county_rules = rules_for(dispute.village)
    return {
        "accepted_on": today,
        "first_accepted_on": dispute.first_accepted_on or today,
        "due_on": rules.mediation_due_on(dispute.handling_region, today, county_rules.mediation_months),
        "extensions": 0,
    }


@transaction.atomic
def dispute_accept(
    *, actor, dispute: Dispute, version: int | None, application: str, today: dt.date | None = None
) -> Dispute:
    """M2 (and M11's receiving level): accept for mediation. Two parties identified, none refusing
    (人民调解法 第17条), an application by a party or the committee's own initiative. The month runs
    from today (C.5); an escalated case's clocks restart at the receiving level."""
    today = today or timezone.localdate()

    def check(locked: Dispute) -> None:
        if application not in Application.values:
            raise ValidationError(APPLICATION_REQUIRED)
        if locked.parties.count() < 2:
            raise ValidationError(TWO_PARTIES)
        refusing = _refusing_party(locked)
        if refusing is not None:
            raise ValidationError(PARTY_REFUSED.format(name=refusing.name))

    locked = DISPUTE.lock(dispute, version)
    name = Kind.ESCALATION_ACCEPTED if locked.state == State.ESCALATED else Kind.ACCEPTED
    if name == Kind.ESCALATION_ACCEPTED and locked.level == Level.VILLAGE:
        _check_village_receives(actor, locked)
    dispute = DISPUTE.apply(
        locked,
        name,
        actor=actor,
        version=version,
        locked=locked,
        check=check,
        changes=lambda d: {**_accept_changes(d, today), "application": application},
        payload=lambda d: {"level": d.level, "due_on": d.due_on, "application": application},
    )
    if name == Kind.ESCALATION_ACCEPTED:
        Escalation.objects.filter(dispute=dispute, accepted_on__isnull=True).update(accepted_on=today)
    dispute_changed(dispute)
    return dispute


def _check_village_receives(actor, dispute: Dispute) -> None:
    """A case the grid sent up is accepted by the village's mediators, not by the grid's own people (the
    receiving level accepts, M11); the township above may act for the village."""
    if actor is None or region_in_scope(actor, MEDIATE_DISPUTES, dispute.village.parent):
        return
    village_roles = [r for r in roles_granting(MEDIATE_DISPUTES) if r not in GRID_ROLES]
    if not Post.objects.filter(
        user=actor, region=dispute.village, role__in=village_roles, ended_on__isnull=True
    ).exists():
        raise ValidationError(GRID_ESCALATION_BY_VILLAGE)


@transaction.atomic
def dispute_refuse(
    *, actor, dispute: Dispute, version: int | None, reason: str, advice: str, today: dt.date | None = None
) -> Dispute:
    """M3: not accepted, for a reason from the fixed list, with the advice given to the parties."""
    today = today or timezone.localdate()
    if reason not in NotAcceptedReason.values:
        raise ValidationError(REASON_FROM_LIST)
    advice = (advice or "").strip()
    if not advice:
        raise ValidationError(ADVICE_REQUIRED)
    dispute = DISPUTE.apply(
        dispute,
        Kind.NOT_ACCEPTED,
        actor=actor,
        version=version,
        note=advice,
        changes={"not_accepted_reason": reason, "failure_advice": advice[:300], "concluded_on": today},
        payload={"reason": reason},
    )
    dispute_changed(dispute)
    return dispute


def _check_parties_open(dispute: Dispute) -> None:
    """Who the parties are is settled once an agreement is recorded: its signatures are theirs."""
    if dispute.state not in OPEN_STATES or Agreement.objects.filter(dispute=dispute).exists():
        raise ValidationError(PARTIES_FIXED)


@transaction.atomic
def party_refusal_record(*, actor, dispute: Dispute, party: Party, note: str = "") -> Party:
    """A party says plainly that it refuses mediation (人民调解法 第17条): from then on the case can be
    neither accepted nor mediated; it ends as not accepted or terminated."""
    locked = DISPUTE.lock(dispute, None)
    DISPUTE.guard.require(actor, MEDIATE_DISPUTES, locked)
    DISPUTE.ensure_open(locked)
    _check_parties_open(locked)
    party = Party.objects.select_for_update().get(pk=party.pk, dispute=locked)
    if not party.refuses_mediation:
        party.refuses_mediation = True
        party.refused_at = timezone.now()
        party.save(update_fields=["refuses_mediation", "refused_at"])
        DISPUTE.record(
            locked, Kind.PARTY_REFUSED, actor=actor, note=note, public=False, payload={"party": party.pk}
        )
    return party


@transaction.atomic
def party_add(*, actor, dispute: Dispute, data: PartyInput) -> Party:
    """Adds a party identified after registration (a respondent found out later)."""
    locked = DISPUTE.lock(dispute, None)
    DISPUTE.guard.require(actor, REPORT_DISPUTES, locked)
    DISPUTE.ensure_open(locked)
    _check_parties_open(locked)
    if not data.name.strip():
        raise ValidationError(NO_PARTY)
    party = _party(locked, data)
    party.save()
    return party


@dataclass(frozen=True)
class MediatorInput:
    name: str
    user: object | None = None
    is_lead: bool = False
    chosen_by_parties: bool = False


@transaction.atomic
def mediators_assign(
    *,
    actor,
    dispute: Dispute,
    version: int | None,
    mediators: list[MediatorInput],
    today: dt.date | None = None,
) -> Dispute:
    """M4: mediators designated by the committee or chosen by the parties (人民调解法 第19条); the first
    assignment starts the mediation. A mediator with an account must mediate at the case's level."""
    today = today or timezone.localdate()
    mediators = [m for m in mediators if m.name.strip() or m.user is not None]
    if not mediators:
        raise ValidationError(MEDIATOR_REQUIRED)

    def check(locked: Dispute) -> None:
        active = list(locked.mediators.filter(withdrawn_on__isnull=True))
        current_lead = next((m for m in active if m.is_lead), None)
        leads = sum(1 for m in mediators if m.is_lead)
        if current_lead is not None and leads:
            raise ValidationError(LEAD_EXISTS.format(name=current_lead.name))
        if current_lead is None and leads != 1:
            raise ValidationError(ONE_LEAD)
        taken = {m.user_id for m in active if m.user_id} | {m.name for m in active}
        for m in mediators:
            name = m.name.strip() or m.user.real_name
            if (m.user is not None and m.user.pk in taken) or name in taken:
                raise ValidationError(MEDIATOR_TWICE.format(name=name))
            if m.user is not None and not region_in_scope(m.user, MEDIATE_DISPUTES, locked.handling_region):
                raise ValidationError(MEDIATOR_NOT_HERE.format(name=name))

    dispute = DISPUTE.apply(
        dispute,
        Kind.MEDIATORS_ASSIGNED,
        actor=actor,
        version=version,
        check=check,
        payload={"names": [m.name.strip() or m.user.real_name for m in mediators]},
    )
    for m in mediators:
        CaseMediator.objects.create(
            dispute=dispute,
            user=m.user,
            name=(m.name.strip() or m.user.real_name)[:30],
            level=dispute.level,
            is_lead=m.is_lead,
            chosen_by_parties=m.chosen_by_parties,
            assigned_on=today,
        )
        if m.user is not None and (actor is None or m.user.pk != actor.pk):
            notification_create(
                recipient=m.user,
                kind=MediationReminder.ASSIGNED,
                title=f"指派您调解纠纷：{dispute.village.name}（{dispute.number}）",
                url=dispute.get_absolute_url(),
            )
    dispute_changed(dispute)
    return dispute


@transaction.atomic
def mediator_withdraw(
    *, actor, dispute: Dispute, mediator: CaseMediator, reason: str, today: dt.date | None = None
) -> CaseMediator:
    """回避 at a party's request, or a mediator leaving the case: ended with the reason, never deleted."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(WITHDRAW_REASON)
    DISPUTE.apply(
        dispute,
        Kind.MEDIATOR_WITHDRAWN,
        actor=actor,
        version=None,
        note=reason,
        payload={"name": mediator.name, "was_lead": mediator.is_lead},
    )
    mediator = CaseMediator.objects.select_for_update().get(pk=mediator.pk, dispute=dispute)
    if mediator.withdrawn_on is not None:
        raise ValidationError(MEDIATOR_GONE)
    mediator.withdrawn_on = today
    mediator.withdrawn_reason = reason[:200]
    mediator.save(update_fields=["withdrawn_on", "withdrawn_reason"])
    return mediator


@dataclass(frozen=True)
class SessionInput:
    held_on: dt.date
    place: str
    mediators: str
    parties_present: str
    notes: str
    others_present: str = ""
    is_public: bool = False
    rights_told: bool = False


@transaction.atomic
def session_record(
    *, actor, dispute: Dispute, version: int | None, data: SessionInput, today: dt.date | None = None
) -> Session:
    """M5: a session, immutable once recorded. The first one records that the parties were told their
    rights and duties (第22条); nobody mediates a party that refused (第17条)."""
    today = today or timezone.localdate()

    def check(locked: Dispute) -> None:
        if data.held_on > today:
            raise ValidationError(SESSION_IN_FUTURE)
        if locked.accepted_on and data.held_on < locked.accepted_on:
            raise ValidationError(SESSION_BEFORE_ACCEPTED.format(date=zh_date(locked.accepted_on)))
        refusing = _refusing_party(locked)
        if refusing is not None:
            raise ValidationError(PARTY_REFUSED_SESSION.format(name=refusing.name))
        if not locked.mediators.filter(withdrawn_on__isnull=True).exists():
            raise ValidationError(NO_MEDIATOR)
        if not data.rights_told and not locked.sessions.exists():
            raise ValidationError(RIGHTS_FIRST_SESSION)

    dispute = DISPUTE.apply(
        dispute, Kind.SESSION, actor=actor, version=version, check=check, payload={"held_on": data.held_on}
    )
    session = Session(
        dispute=dispute,
        level=dispute.level,
        held_on=data.held_on,
        place=data.place.strip(),
        mediators=data.mediators.strip(),
        parties_present=data.parties_present.strip(),
        others_present=data.others_present.strip(),
        is_public=data.is_public,
        rights_told=data.rights_told,
        notes=data.notes.strip(),
        recorded_by=actor,
    )
    session.full_clean(exclude=["dispute", "village", "recorded_by"])
    session.save()
    return session


@transaction.atomic
def risk_assess(
    *,
    actor,
    dispute: Dispute,
    version: int | None,
    risk_level: str,
    may_intensify: bool,
    petition_threat: bool,
    key_person: bool,
    note: str = "",
) -> Dispute:
    """M6: the risk level and flags, re-assessed at any time while the case is open."""
    if risk_level not in RiskLevel.values:
        raise ValidationError("请选择风险等级。")
    locked = DISPUTE.lock(dispute, version)
    DISPUTE.guard.require(actor, MEDIATE_DISPUTES, locked)
    DISPUTE.ensure_open(locked)
    before = locked.risk_level
    locked.risk_level, locked.may_intensify = risk_level, may_intensify
    locked.petition_threat, locked.key_person = petition_threat, key_person
    locked.version += 1
    locked.save(update_fields=["risk_level", "may_intensify", "petition_threat", "key_person", "version"])
    DISPUTE.record(
        locked,
        Kind.RISK_RAISED,
        actor=actor,
        note=note,
        public=False,
        payload={
            "from": before,
            "to": risk_level,
            "may_intensify": may_intensify,
            "petition_threat": petition_threat,
        },
    )
    dispute_changed(locked)
    return locked


@transaction.atomic
def police_report_record(
    *, actor, dispute: Dispute, reported_on: dt.date, unit: str, case_kind: str, note: str = ""
) -> PoliceReport:
    """人民调解法 第25条: a dispute that may turn into a 治安 or 刑事 case is reported to the police (also
    after it was refused for that reason)."""
    locked = DISPUTE.lock(dispute, None)
    DISPUTE.guard.require(actor, MEDIATE_DISPUTES, locked)
    if not (unit or "").strip():
        raise ValidationError(POLICE_UNIT)
    if reported_on > timezone.localdate():
        raise ValidationError("报告日期不能晚于今天。")
    report = PoliceReport.objects.create(
        dispute=locked,
        reported_on=reported_on,
        unit=unit.strip()[:60],
        case_kind=case_kind,
        note=(note or "").strip()[:300],
        recorded_by=actor,
    )
    DISPUTE.record(
        locked,
        Kind.POLICE_REPORTED,
        actor=actor,
        public=False,
        payload={"unit": report.unit, "on": reported_on},
    )
    return report


@transaction.atomic
def mediation_extend(
    *,
    actor,
    dispute: Dispute,
    version: int | None,
    months: int,
    consenting_party_ids: set[int],
    reason: str,
    today: dt.date | None = None,
) -> Dispute:
    """C.5: one extension (county maximum) of at most the county's months, only with every party's
    recorded consent, asked before the due date passed."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(EXTENSION_REASON)

    def check(locked: Dispute) -> None:
        county_rules = rules_for(locked.village)
        if locked.extensions >= county_rules.max_extensions:
            raise ValidationError(EXTENSION_LIMIT.format(n=locked.extensions))
        if not 1 <= months <= county_rules.extension_max_months:
            raise ValidationError(EXTENSION_TOO_LONG.format(months=county_rules.extension_max_months))
        if locked.due_on is not None and today > locked.due_on:
            raise ValidationError(EXTENSION_AFTER_DUE.format(date=zh_date(locked.due_on)))
        missing = [p.name for p in locked.parties.order_by("id") if p.pk not in consenting_party_ids]
        if missing:
            raise ValidationError(EXTENSION_NO_CONSENT.format(names="、".join(missing)))

    dispute = DISPUTE.apply(
        dispute,
        Kind.EXTENDED,
        actor=actor,
        version=version,
        note=reason,
        check=check,
        changes=lambda d: {
            "due_on": rules.extended_due_on(d.handling_region, d.due_on, months),
            "extensions": d.extensions + 1,
        },
        payload=lambda d: {"months": months, "due_on": d.due_on, "consents": sorted(consenting_party_ids)},
    )
    dispute_changed(dispute)
    return dispute


@transaction.atomic
def mediation_fail(
    *, actor, dispute: Dispute, version: int | None, advice: str = "", today: dt.date | None = None
) -> Dispute:
    """M9: 调解不成: the mediator ends the mediation and tells the parties their other ways (第26条)."""
    today = today or timezone.localdate()
    advice = (advice or "").strip() or FAILURE_ADVICE_DEFAULT
    dispute = DISPUTE.apply(
        dispute,
        Kind.FAILED,
        actor=actor,
        version=version,
        note=advice,
        changes={"failure_advice": advice[:300], "concluded_on": today},
    )
    dispute_changed(dispute)
    return dispute


@transaction.atomic
def mediation_terminate(
    *, actor, dispute: Dispute, version: int | None, reason: str, today: dt.date | None = None
) -> Dispute:
    """M10: a party withdrew or asked to stop (第23条), or refused (第17条)."""
    today = today or timezone.localdate()
    dispute = DISPUTE.apply(
        dispute, Kind.TERMINATED, actor=actor, version=version, note=reason, changes={"concluded_on": today}
    )
    dispute_changed(dispute)
    return dispute


@transaction.atomic
def dispute_settle(
    *, actor, dispute: Dispute, version: int | None, evidence: str, today: dt.date | None = None
) -> Dispute:
    """化解 otherwise than by mediation (the parties settled themselves), recorded with its evidence:
    counted as 化解, not as 调解成功 (B.1.6)."""
    today = today or timezone.localdate()
    if not (evidence or "").strip():
        raise ValidationError(SETTLE_EVIDENCE)
    dispute = DISPUTE.apply(
        dispute,
        Kind.SETTLED,
        actor=actor,
        version=version,
        note=evidence,
        changes=lambda d: {
            "resolution": Resolution.SETTLED,
            "resolved_on": today,
            "resolved_level": d.level,
            "concluded_on": today,
        },
    )
    dispute_changed(dispute)
    return dispute


def escalation_refusal(dispute: Dispute, to_level: str) -> str:
    """Why ``dispute`` may not go to ``to_level`` ("" when it may): one level up at a time, a level
    skipped only for 重大 risk (when the county keeps that rule)."""
    here = LEVEL_ORDER.index(dispute.level)
    if here == len(LEVEL_ORDER) - 1:
        return ESCALATE_TOP
    there = LEVEL_ORDER.index(to_level)
    if there <= here:
        return ESCALATE_DOWN
    if (
        there > here + 1
        and dispute.risk_level != RiskLevel.MAJOR
        and rules_for(dispute.village).skip_level_only_major
    ):
        return ESCALATE_SKIP.format(
            from_level=Level(dispute.level).label, next_level=Level(LEVEL_ORDER[here + 1]).label
        )
    return ""


@transaction.atomic
def dispute_escalate(
    *,
    actor,
    dispute: Dispute,
    version: int | None,
    to_level: str,
    reason: str,
    note: str = "",
    today: dt.date | None = None,
) -> Dispute:
    """M11: 上报 one level up with a reason; the case keeps its number and history, the receiving level
    must accept it within its limit, and is told now."""
    today = today or timezone.localdate()
    if reason not in EscalationReason.values:
        raise ValidationError(ESCALATE_REASON)
    if to_level not in Level.values:
        raise ValidationError(ESCALATE_DOWN)
    locked = DISPUTE.lock(dispute, version)
    from_level, from_region = locked.level, locked.handling_region

    def check(d: Dispute) -> None:
        message = escalation_refusal(d, to_level)
        if message:
            raise ValidationError(message)

    to_region = region_of_level(locked.village, to_level) if to_level != from_level else from_region
    county_rules = rules_for(locked.village)
    accept_due = rules.accept_due_on(to_region, today, county_rules.escalated_accept_working_days)
    dispute = DISPUTE.apply(
        locked,
        Kind.ESCALATED,
        actor=actor,
        version=version,
        locked=locked,
        note=note,
        check=check,
        changes={
            "level": to_level,
            "handling_region": to_region,
            "level_since": today,
            "accept_due_on": accept_due,
            "accepted_on": None,
            "due_on": None,
            "extensions": 0,
        },
        payload={"from": from_level, "to": to_level, "reason": reason, "accept_due_on": accept_due},
    )
    Escalation.objects.create(
        dispute=dispute,
        from_level=from_level,
        to_level=to_level,
        from_region=from_region,
        to_region=to_region,
        reason=reason,
        note=(note or "").strip()[:300],
        escalated_on=today,
        escalated_by=actor,
        accept_due_on=accept_due,
    )
    # The lower level's mediation ends here: its mediators leave the case (and its sight), so that the
    # receiving level designates its own lead (one active lead per case).
    CaseMediator.objects.filter(dispute=dispute, withdrawn_on__isnull=True).update(
        withdrawn_on=today, withdrawn_reason=ESCALATED_MEDIATORS.format(level=Level(to_level).label)
    )
    _tell_handlers(
        dispute,
        kind=MediationReminder.ESCALATED_TO_YOU,
        title=f"{Level(from_level).label}上报纠纷待受理：{dispute.village.name}（{dispute.number}），"
        f"请于{zh_date(accept_due)}前受理",
    )
    dispute_changed(dispute)
    return dispute


@transaction.atomic
def dispute_transfer(
    *,
    actor,
    dispute: Dispute,
    version: int | None,
    target: str,
    body: str,
    petition_level: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> Dispute:
    """M12: 转交 to 信访, the police, a court or an administrative department: not resolved at this level.
    A transfer to 信访 makes the case a petition from today."""
    today = today or timezone.localdate()
    body = (body or "").strip()
    if target not in TransferTarget.values or not body:
        raise ValidationError(TRANSFER_TARGET)
    changes: dict = {"transferred_to": target, "transferred_body": body[:100], "concluded_on": today}

    def petition(d: Dispute) -> dict:
        if target != TransferTarget.PETITION:
            return {}
        return {
            "petition_started_on": d.petition_started_on or today,
            "petition_level": petition_level if petition_level in PetitionLevel.values else d.petition_level,
        }

    dispute = DISPUTE.apply(
        dispute,
        Kind.TRANSFERRED,
        actor=actor,
        version=version,
        note=note,
        changes=lambda d: {**changes, **petition(d)},
        payload={"to": target, "body": body[:100]},
    )
    dispute_changed(dispute)
    return dispute


@transaction.atomic
def petition_record(
    *,
    actor,
    dispute: Dispute,
    version: int | None,
    started_on: dt.date,
    level: str,
    repeats: int = 0,
    beyond_level: bool = False,
    note: str = "",
) -> Dispute:
    """A case that is, or becomes, a petition (信访): its start (for the 积案 age), the highest level it
    reached, repeats, and whether it skipped levels (越级上访: "矛盾不上交" counts these)."""
    if started_on > timezone.localdate():
        raise ValidationError(PETITION_START_FUTURE)
    if level not in PetitionLevel.values:
        raise ValidationError("请选择信访到达的层级。")
    locked = DISPUTE.lock(dispute, version)
    DISPUTE.guard.require(actor, MEDIATE_DISPUTES, locked)
    locked.petition_started_on = min(started_on, locked.petition_started_on or started_on)
    locked.petition_level = level
    locked.petition_repeats = max(0, min(repeats, 999))
    locked.petition_beyond_level = beyond_level
    locked.version += 1
    locked.save(
        update_fields=[
            "petition_started_on",
            "petition_level",
            "petition_repeats",
            "petition_beyond_level",
            "version",
        ]
    )
    DISPUTE.record(
        locked,
        Kind.PETITION,
        actor=actor,
        note=note,
        public=False,
        payload={"started_on": locked.petition_started_on, "level": level, "beyond_level": beyond_level},
    )
    dispute_changed(locked)
    return locked


def mediating_user_may_act(user, dispute: Dispute) -> bool:
    """Whether ``user`` may take the case's actions (the pages offer them only then)."""
    return region_in_scope(user, MEDIATE_DISPUTES, dispute.handling_region)


__all__ = [
    "NOT_YOURS",
    "DisputeInput",
    "MediatorInput",
    "PartyInput",
    "SessionInput",
]
