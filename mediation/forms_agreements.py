"""Forms of a dispute's agreement part: the agreement, signatures and seal, the signed scan, follow-up visits,
closure and 司法确认 (validation only; every write goes through mediation.services.agreements)."""

from __future__ import annotations

from django import forms

from core.forms import DateField, LongTextField, VersionField
from mediation.models import NOTES_MAX, Agreement, FollowUp, JudicialConfirmation, Performance
from mediation.services.agreements import AgreementInput, FollowUpInput


def _limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class AgreementForm(forms.Form):
    """M7: 调解成功, a written agreement (调解协议书, 第29条's contents) or an oral one (第30条)."""

    version = VersionField()
    form = forms.ChoiceField(
        label="协议形式",
        choices=Agreement.Form.choices,
        error_messages={"required": "请选择协议形式。"},
    )
    written_requested = forms.BooleanField(
        label="当事人要求订立书面协议",
        required=False,
        help_text="当事人要求书面协议，或协议涉及民事权利义务的，应当制作调解协议书。",
    )
    reached_on = DateField(label="达成日期", error_messages={"required": "请填写达成日期。"})
    facts = LongTextField(
        label="纠纷主要事实、争议事项及各方责任",
        max_length=NOTES_MAX,
        rows=4,
        required=False,
        help_text="书面协议必填（《人民调解法》第二十九条）。",
    )
    terms = LongTextField(
        label="协议内容",
        max_length=NOTES_MAX,
        rows=4,
        error_messages={"required": "请填写协议内容。"},
    )
    performance_manner = forms.CharField(
        label="履行方式",
        max_length=_limit(Agreement, "performance_manner"),
        error_messages={"required": "请填写履行方式。"},
    )
    performance_due_on = DateField(label="履行期限", required=False, help_text="当场履行的可不填。")

    def as_input(self) -> AgreementInput:
        data = self.cleaned_data
        return AgreementInput(
            form=data["form"],
            terms=data["terms"],
            performance_manner=data["performance_manner"],
            reached_on=data["reached_on"],
            facts=data.get("facts") or "",
            performance_due_on=data.get("performance_due_on"),
            written_requested=bool(data.get("written_requested")),
        )


class SignForm(forms.Form):
    """A party signs (签名、盖章或按指印) the written agreement on a date."""

    party = forms.ModelChoiceField(
        label="当事人", queryset=None, error_messages={"required": "请选择签署的当事人。"}
    )
    signed_on = DateField(label="签署日期", error_messages={"required": "请填写签署日期。"})

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties


class SealForm(forms.Form):
    """The mediator signs and the committee's seal is applied (第29条)."""

    sealed_on = DateField(label="调解员签名并加盖印章日期", error_messages={"required": "请填写盖章日期。"})


class ScanForm(forms.Form):
    scan = forms.FileField(
        label="签署后的调解协议书扫描件（PDF/JPEG/PNG，≤10MB）",
        error_messages={"required": "请选择签署后的调解协议书扫描件（PDF、JPEG或PNG）。"},
    )


class FollowUpForm(forms.Form):
    """M13: a follow-up visit (回访) on the agreement's performance."""

    version = VersionField()
    visited_on = DateField(label="回访日期", error_messages={"required": "请填写回访日期。"})
    visitor = forms.CharField(
        label="回访人", max_length=_limit(FollowUp, "visitor"), error_messages={"required": "请填写回访人。"}
    )
    performance = forms.ChoiceField(
        label="履行情况", choices=Performance.choices, error_messages={"required": "请选择履行情况。"}
    )
    new_risk = forms.BooleanField(label="发现新的矛盾风险", required=False)
    notes = LongTextField(label="回访情况", max_length=NOTES_MAX, rows=3, required=False)

    def as_input(self) -> FollowUpInput:
        data = self.cleaned_data
        return FollowUpInput(
            visited_on=data["visited_on"],
            visitor=data["visitor"],
            performance=data["performance"],
            new_risk=bool(data.get("new_risk")),
            notes=data.get("notes") or "",
        )


class CloseForm(forms.Form):
    version = VersionField()
    note = forms.CharField(label="结案说明", max_length=300, required=False)


class ConfirmationForm(forms.Form):
    """M14: the parties' joint application for 司法确认 (第33条)."""

    applied_on = DateField(label="申请日期", error_messages={"required": "请填写申请日期。"})
    court = forms.CharField(
        label="人民法院",
        max_length=_limit(JudicialConfirmation, "court"),
        error_messages={"required": "请填写人民法院名称。"},
    )


class ConfirmationResultForm(forms.Form):
    outcome = forms.ChoiceField(
        label="司法确认结果",
        choices=[
            (JudicialConfirmation.Outcome.VALID, JudicialConfirmation.Outcome.VALID.label),
            (JudicialConfirmation.Outcome.INVALID, JudicialConfirmation.Outcome.INVALID.label),
        ],
        error_messages={"required": "请选择司法确认结果。"},
    )
