"""Forms of the mediation system: validation with clear Chinese messages (writes go through services)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import DateField, LongTextField, VersionField
from core.personal_data import contact_phone_validate, id_number_validate
from mediation.models import (
    NOTES_MAX,
    SUMMARY_MAX,
    Application,
    DisputeType,
    EscalationReason,
    Level,
    MediationRules,
    NotAcceptedReason,
    Party,
    PetitionLevel,
    PoliceReport,
    RiskLevel,
    Session,
    Source,
    State,
    TransferTarget,
)
from mediation.services.disputes import (
    ADVICE_REQUIRED,
    AMOUNT_INVALID,
    ESCALATE_REASON,
    EXTENSION_REASON,
    FAILURE_ADVICE_DEFAULT,
    FOUND_IN_FUTURE,
    GRID_NOT_HERE,
    MAX_AMOUNT,
    NO_PARTY,
    PEOPLE_INVALID,
    PETITION_START_FUTURE,
    POLICE_UNIT,
    REASON_FROM_LIST,
    SESSION_IN_FUTURE,
    SETTLE_EVIDENCE,
    SUMMARY_REQUIRED,
    TRANSFER_TARGET,
    WITHDRAW_REASON,
    PartyInput,
)
from regions.forms import DivisionCodeField


class MediationRulesForm(forms.ModelForm):
    """The county's mediation rules, a block of the county settings page."""

    class Meta:
        model = MediationRules
        fields = [
            "accept_working_days",
            "escalated_accept_working_days",
            "mediation_months",
            "max_extensions",
            "extension_max_months",
            "skip_level_only_major",
            "group_threshold",
            "warn_days",
            "follow_up_after_performance_days",
            "follow_up_after_effective_days",
            "backlog_days",
        ]
        help_texts = {
            "mediation_months": "人民调解工作若干规定：调解纠纷一般在一个月内调结。自受理次日起算，到期日为对应日"
            "（无对应日的为月末），遇休息日顺延。",
            "max_extensions": "经各方当事人同意方可延期；达到次数后须以调解不成、终止、上报或转交结束。",
            "skip_level_only_major": "上报一般逐级进行；勾选后，只有重大风险的纠纷可以越级上报。",
            "group_threshold": "涉及人数达到此数即为群体性纠纷。",
            "warn_days": "到期前几天起标黄提醒。",
            "backlog_days": "信访起始后超过此天数仍未化解的列为积案。",
        }


# -- disputes ---------------------------------------------------------------------------------------------

_BLANK = [("", "全部")]
GRID_NOT_FOUND = "所选网格不存在，或不在您可以登记的村（社区）。"
VILLAGE_NOT_FOUND = "请选择您可以登记纠纷的村（社区）。"
PARTY_NOT_FOUND = "请选择本案的当事人。"
MEDIATOR_NOT_FOUND = "请选择本案在办的调解员。"
MEDIATOR_USER_NOT_FOUND = "请从列表中选择调解员，或直接填写调解员姓名。"
MEDIATOR_NAME_OR_USER = "请选择调解员账号，或填写调解员姓名。"


def _limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _id_number(value: str) -> str:
    value = (value or "").strip()
    return id_number_validate(value) if value else ""


def _phone(value: str) -> str:
    value = (value or "").strip()
    return contact_phone_validate(value) if value else ""


class DisputeFilterForm(forms.Form):
    """The case list's filters (``?state=…&overdue=1``)."""

    q = forms.CharField(label="案件编号", max_length=20, required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=[*_BLANK, *State.choices])
    level = forms.ChoiceField(label="承办层级", required=False, choices=[*_BLANK, *Level.choices])
    dispute_type = forms.ChoiceField(
        label="纠纷类型", required=False, choices=[*_BLANK, *DisputeType.choices]
    )
    source = forms.ChoiceField(label="来源", required=False, choices=[*_BLANK, *Source.choices])
    village = DivisionCodeField(label="村（社区）代码")
    overdue = forms.ChoiceField(label="超期", required=False, choices=[("", "全部"), ("1", "只看超期")])


class DisputeForm(forms.Form):
    """Registration (M1), one screen on a phone: what, where from, who, the risk; then the optional facts."""

    village = forms.ModelChoiceField(
        label="发生地（村/社区）",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": VILLAGE_NOT_FOUND},
    )
    dispute_type = forms.ChoiceField(label="纠纷类型", choices=DisputeType.choices)
    source = forms.ChoiceField(label="来源", choices=Source.choices)
    summary = LongTextField(
        label="简要情况", max_length=SUMMARY_MAX, rows=3, error_messages={"required": SUMMARY_REQUIRED}
    )
    party1_name = forms.CharField(
        label="当事人一 姓名或名称", max_length=_limit(Party, "name"), error_messages={"required": NO_PARTY}
    )
    party1_side = forms.ChoiceField(
        label="当事人一 身份", choices=Party.Side.choices, initial=Party.Side.APPLICANT
    )
    party1_kind = forms.ChoiceField(label="当事人一 类型", choices=Party.Kind.choices)
    party1_id_number = forms.CharField(label="当事人一 身份证号", max_length=18, required=False)
    party1_phone = forms.CharField(label="当事人一 联系电话", max_length=20, required=False)
    party2_name = forms.CharField(
        label="当事人二 姓名或名称", max_length=_limit(Party, "name"), required=False
    )
    party2_side = forms.ChoiceField(
        label="当事人二 身份", choices=Party.Side.choices, initial=Party.Side.RESPONDENT
    )
    party2_kind = forms.ChoiceField(label="当事人二 类型", choices=Party.Kind.choices)
    party2_id_number = forms.CharField(label="当事人二 身份证号", max_length=18, required=False)
    party2_phone = forms.CharField(label="当事人二 联系电话", max_length=20, required=False)
    risk_level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    may_intensify = forms.BooleanField(label="可能激化", required=False)
    petition_threat = forms.BooleanField(label="扬言上访/越级上访", required=False)
    key_person = forms.BooleanField(label="涉及重点人员", required=False)
    # The optional facts.
    found_on = DateField(label="发现日期", required=False, help_text="不填为今天。")
    amount = forms.DecimalField(
        label="涉及金额（元）",
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        error_messages={
            "min_value": AMOUNT_INVALID,
            "max_value": AMOUNT_INVALID,
            "max_digits": AMOUNT_INVALID,
            "max_whole_digits": AMOUNT_INVALID,
            "max_decimal_places": "涉及金额最多保留两位小数。",
            "invalid": "请输入金额（数字）。",
        },
    )
    people_involved = forms.IntegerField(
        label="涉及人数",
        initial=2,
        min_value=1,
        max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"}),
        error_messages={"min_value": PEOPLE_INVALID, "max_value": PEOPLE_INVALID, "required": PEOPLE_INVALID},
    )
    grid = forms.ModelChoiceField(
        label="网格",
        queryset=None,
        required=False,
        empty_label="（不属于具体网格，村级登记）",
        error_messages={"invalid_choice": GRID_NOT_FOUND},
    )
    # Came from the service desk's intake screen: a 群众来访 is received by the cadre on duty.
    desk = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, villages=None, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["grid"].queryset = grids
        self.fields["grid"].label_from_instance = lambda grid: f"{grid.village.name} · {grid.name}"

    def clean_party1_id_number(self) -> str:
        return _id_number(self.cleaned_data["party1_id_number"])

    def clean_party2_id_number(self) -> str:
        return _id_number(self.cleaned_data["party2_id_number"])

    def clean_party1_phone(self) -> str:
        return _phone(self.cleaned_data["party1_phone"])

    def clean_party2_phone(self) -> str:
        return _phone(self.cleaned_data["party2_phone"])

    def clean_found_on(self):
        found_on = self.cleaned_data["found_on"]
        if found_on and found_on > timezone.localdate():
            raise forms.ValidationError(FOUND_IN_FUTURE)
        return found_on

    def clean(self):
        data = super().clean()
        grid, village = data.get("grid"), data.get("village")
        if grid is not None and village is not None and grid.village_id != village.pk:
            self.add_error("grid", GRID_NOT_HERE)
        return data

    def parties(self) -> list[PartyInput]:
        data = self.cleaned_data
        return [
            PartyInput(
                name=data[f"party{i}_name"],
                side=data[f"party{i}_side"],
                kind=data[f"party{i}_kind"],
                id_number=data[f"party{i}_id_number"],
                phone=data[f"party{i}_phone"],
            )
            for i in (1, 2)
            if (data.get(f"party{i}_name") or "").strip()
        ]


class VersionedForm(forms.Form):
    """A transition's form: the version the page was read at (a stale one is refused, never overwritten)."""

    version = VersionField()


class AcceptForm(VersionedForm):
    application = forms.ChoiceField(label="调解启动方式", choices=Application.choices)


class RefuseForm(VersionedForm):
    reason = forms.ChoiceField(
        label="不予受理理由",
        choices=NotAcceptedReason.choices,
        error_messages={"invalid_choice": REASON_FROM_LIST},
    )
    advice = forms.CharField(
        label="告知当事人的其他解决途径",
        max_length=300,
        error_messages={"required": ADVICE_REQUIRED},
    )


class _PartyChoice(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=None, error_messages={"invalid_choice": PARTY_NOT_FOUND}, **kwargs)


class PartyRefusalForm(forms.Form):
    party = _PartyChoice(label="明确拒绝调解的当事人")
    note = forms.CharField(label="情况说明", max_length=300, required=False)

    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = dispute.parties.filter(refuses_mediation=False)


class PartyForm(forms.Form):
    name = forms.CharField(label="姓名或名称", max_length=_limit(Party, "name"))
    side = forms.ChoiceField(label="当事人身份", choices=Party.Side.choices, initial=Party.Side.RESPONDENT)
    kind = forms.ChoiceField(label="类型", choices=Party.Kind.choices)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="住址", max_length=_limit(Party, "address"), required=False)
    representative = forms.CharField(
        label="代理人或代表人", max_length=_limit(Party, "representative"), required=False
    )

    def clean_id_number(self) -> str:
        return _id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])


class MediatorsForm(VersionedForm):
    """One mediator at a time: a person who may mediate at the handling region, or a name typed in."""

    user = forms.ModelChoiceField(
        label="调解员（本级调解人员）",
        queryset=None,
        required=False,
        empty_label="（从列表选择，或在下面填写姓名）",
        error_messages={"invalid_choice": MEDIATOR_USER_NOT_FOUND},
    )
    name = forms.CharField(label="或填写调解员姓名", max_length=30, required=False)
    is_lead = forms.BooleanField(label="主持调解", required=False)
    chosen_by_parties = forms.BooleanField(label="由当事人选择", required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["user"].queryset = User.objects.filter(pk__in=[u.pk for u in candidates or []])
        self.fields["user"].label_from_instance = lambda user: user.real_name or user.username

    def clean(self):
        data = super().clean()
        if data.get("user") is None and not (data.get("name") or "").strip():
            raise forms.ValidationError(MEDIATOR_NAME_OR_USER)
        return data


class WithdrawForm(forms.Form):
    mediator = forms.ModelChoiceField(
        label="回避或退出的调解员", queryset=None, error_messages={"invalid_choice": MEDIATOR_NOT_FOUND}
    )
    reason = forms.CharField(label="原因", max_length=200, error_messages={"required": WITHDRAW_REASON})

    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = dispute.mediators.filter(withdrawn_on__isnull=True)


class SessionForm(VersionedForm):
    held_on = DateField(label="调解日期")
    place = forms.CharField(label="地点", max_length=_limit(Session, "place"))
    mediators = forms.CharField(label="调解员", max_length=_limit(Session, "mediators"))
    parties_present = forms.CharField(label="到场当事人", max_length=_limit(Session, "parties_present"))
    others_present = forms.CharField(
        label="邀请参加人员（亲属、邻里、专业人员等）",
        max_length=_limit(Session, "others_present"),
        required=False,
    )
    is_public = forms.BooleanField(label="公开调解（当事人要求）", required=False)
    rights_told = forms.BooleanField(label="已告知当事人权利义务", required=False)
    notes = LongTextField(label="调解经过", max_length=NOTES_MAX, rows=4)

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(SESSION_IN_FUTURE)
        return held_on


class RiskForm(VersionedForm):
    risk_level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    may_intensify = forms.BooleanField(label="可能激化", required=False)
    petition_threat = forms.BooleanField(label="扬言上访/越级上访", required=False)
    key_person = forms.BooleanField(label="涉及重点人员", required=False)
    note = forms.CharField(label="研判意见", max_length=300, required=False)


class PoliceReportForm(forms.Form):
    reported_on = DateField(label="报告日期")
    unit = forms.CharField(label="报告的公安机关", max_length=60, error_messages={"required": POLICE_UNIT})
    case_kind = forms.ChoiceField(label="情形", choices=PoliceReport.CaseKind.choices)
    note = forms.CharField(label="说明", max_length=300, required=False)


class ExtendForm(VersionedForm):
    months = forms.IntegerField(label="延长（月）", min_value=1, max_value=12, initial=1)
    consents = forms.MultipleChoiceField(
        label="同意延期的当事人", required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label="延期理由", max_length=300, error_messages={"required": EXTENSION_REASON})

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consents"].choices = [(str(p.pk), p.name) for p in parties]

    def clean_consents(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["consents"]}


class FailForm(VersionedForm):
    advice = forms.CharField(
        label="告知当事人的其他解决途径", max_length=300, required=False, initial=FAILURE_ADVICE_DEFAULT
    )


class TerminateForm(VersionedForm):
    reason = forms.CharField(label="终止原因", max_length=300)


class SettleForm(VersionedForm):
    evidence = forms.CharField(
        label="化解情况和依据", max_length=300, error_messages={"required": SETTLE_EVIDENCE}
    )


class EscalateForm(VersionedForm):
    to_level = forms.ChoiceField(label="上报至", choices=Level.choices)
    reason = forms.ChoiceField(
        label="上报理由",
        choices=[("", "请选择"), *EscalationReason.choices],
        error_messages={"required": ESCALATE_REASON, "invalid_choice": ESCALATE_REASON},
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class TransferForm(VersionedForm):
    target = forms.ChoiceField(
        label="转交去向", choices=TransferTarget.choices, error_messages={"invalid_choice": TRANSFER_TARGET}
    )
    body = forms.CharField(label="接收单位", max_length=100, error_messages={"required": TRANSFER_TARGET})
    petition_level = forms.ChoiceField(
        label="信访到达层级（转信访时）", required=False, choices=[("", "—"), *PetitionLevel.choices]
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class PetitionForm(VersionedForm):
    started_on = DateField(label="信访起始日期")
    level = forms.ChoiceField(label="信访到达层级", choices=PetitionLevel.choices)
    repeats = forms.IntegerField(label="重复信访次数", min_value=0, max_value=999, initial=0)
    beyond_level = forms.BooleanField(label="越级上访", required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def clean_started_on(self):
        started_on = self.cleaned_data["started_on"]
        if started_on > timezone.localdate():
            raise forms.ValidationError(PETITION_START_FUTURE)
        return started_on
