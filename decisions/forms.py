from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import DateField, DateInput, LongTextField, VersionField
from core.personal_data import contact_phone_validate
from decisions.models import (
    Amendment,
    Body,
    DecisionRules,
    Disclosure,
    DisclosureReview,
    Majority,
    Matter,
    Meeting,
    MeetingAttachment,
    Step,
    SupervisionOpinion,
)
from regions.forms import DivisionCodeField

DATE = DateInput


def _limit(model, field: str) -> int:
    """A text column's limit, declared once on the model (where a check constraint holds it too)."""
    return model._meta.get_field(field).max_length


NUMBER = {"inputmode": "numeric", "min": "0"}


def _count(label: str, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=1_000_000,
        required=required,
        widget=forms.NumberInput(attrs=NUMBER),
        error_messages={"required": f"请填写{label}。", "min_value": f"{label}不能为负数。"},
    )


class MatterForm(forms.Form):
    village = forms.ModelChoiceField(label="村（社区）", queryset=None, empty_label=None)
    category = forms.ModelChoiceField(label="事项类别", queryset=None, empty_label="请选择类别")
    title = forms.CharField(label="事项名称", max_length=100)
    content = LongTextField(label="事项内容", max_length=_limit(Matter, "content"), rows=4)
    estimated_amount = forms.DecimalField(
        label="预计金额（元）",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="不涉及资金的可不填。",
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    proposed_by = forms.CharField(
        label="提议人",
        max_length=100,
        initial="村党组织",
        help_text="如：村党组织、村委会、十分之一以上村民联名。",
    )

    def __init__(self, *args, villages=None, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["category"].queryset = categories


class MatterFilterForm(forms.Form):
    region = DivisionCodeField(label="区划代码")
    q = forms.CharField(label="事项名称", max_length=50, required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Matter.Status.choices])
    step = forms.ChoiceField(label="环节", required=False, choices=[("", "全部"), *Step.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    objection = forms.ChoiceField(
        label="监委会异议", required=False, choices=[("", "全部"), ("open", "有未关闭的异议")]
    )


class MatterPageForm(forms.Form):
    """The query string of the matter pages: the village a new matter is for, the meeting's body, the item an
    amendment corrects (each checked again by the page against what it offers)."""

    village = DivisionCodeField(label="村（社区）")
    village_code = DivisionCodeField(label="村（社区）")  # the matter form's own "village" is the id
    body = forms.ChoiceField(choices=Body.choices, required=False)
    field = forms.ChoiceField(choices=Amendment.Field.choices, required=False)


class MeetingForm(forms.Form):
    step = forms.ChoiceField(choices=Step.choices, widget=forms.HiddenInput)
    version = VersionField()
    body = forms.ChoiceField(label="会议形式", choices=Body.choices)
    held_on = DateField(label="会议日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=100)
    chair = forms.CharField(label="主持人", max_length=50)
    recorder = forms.CharField(label="记录人", max_length=50)
    entitled = _count("应到人数")
    entitled_reason = forms.CharField(
        label="应到人数调整理由", max_length=200, required=False, help_text="应到人数与人数登记不一致时必填。"
    )
    notice_on = DateField(
        label="通知日期",
        widget=DATE,
        required=False,
        help_text="召集村民会议应当提前十天通知村民：如10月1日通知，10月11日起可以召开。",
    )
    present = _count("实到人数")
    households_total = _count("户数", required=False)
    households_present = _count("到会户代表数", required=False)
    votes_for = _count("赞成票")
    votes_against = _count("反对票")
    votes_abstain = _count("弃权票")
    minutes = LongTextField(label="会议记录", max_length=_limit(Meeting, "minutes"), rows=4)

    def __init__(self, *args, step: str, body: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget = forms.HiddenInput()  # chosen with the buttons above the form
        if body != Body.VILLAGERS:
            del self.fields["households_total"], self.fields["households_present"], self.fields["notice_on"]
        self.fields["held_on"].initial = timezone.localdate()


class MeetingPapersForm(forms.Form):
    """The meeting's papers, chosen on the confirmation page: a file cannot travel back and forth between
    the form and its confirmation, and nothing is kept before the user confirms."""

    attendance_sheet = forms.FileField(label="签到表（PDF/JPEG/PNG，≤10MB）", required=False)
    minutes_scan = forms.FileField(label="会议记录扫描件（PDF/JPEG/PNG，≤10MB）", required=False)

    def attachments(self) -> list[tuple[str, object]]:
        files = []
        if self.cleaned_data.get("attendance_sheet"):
            files.append((MeetingAttachment.Kind.ATTENDANCE, self.cleaned_data["attendance_sheet"]))
        if self.cleaned_data.get("minutes_scan"):
            files.append((MeetingAttachment.Kind.MINUTES, self.cleaned_data["minutes_scan"]))
        return files


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=MeetingAttachment.Kind.choices)
    file = forms.FileField(label="文件（PDF/JPEG/PNG，≤10MB）", error_messages={"required": "请选择文件。"})


class DisclosureForm(forms.Form):
    version = VersionField()
    text = LongTextField(label="公开内容", max_length=_limit(Disclosure, "text"), rows=4)
    spent_amount = forms.DecimalField(
        label="实际支出（元）",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        error_messages={
            "invalid": "实际支出须是金额（元），如 118500.00。",
            "min_value": "实际支出不能为负数。",
            "max_digits": "实际支出金额过大，请核对。",
            "max_whole_digits": "实际支出金额过大，请核对。",
            "max_decimal_places": "实际支出最多两位小数（到分）。",
        },
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    acceptance = forms.CharField(label="验收情况", max_length=300, required=False)
    posted_on = DateField(label="张贴日期", widget=DATE)

    def __init__(self, *args, result: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not result:
            del self.fields["spent_amount"], self.fields["acceptance"]
        self.fields["posted_on"].initial = timezone.localdate()


class ReviewForm(DisclosureForm):
    """The content of a posting sent to the 村务监督委员会 for review: the posting's fields without its date."""

    def __init__(self, *args, result: bool, **kwargs):
        super().__init__(*args, result=result, **kwargs)
        del self.fields["posted_on"], self.fields["version"]
        if result:
            self.fields["spent_amount"].required = True
            self.fields["spent_amount"].error_messages["required"] = "请填写实际支出金额（没有支出填0）。"
            self.fields["acceptance"].required = True
            self.fields["acceptance"].error_messages["required"] = "请填写验收情况。"
        self.fields["text"].error_messages["required"] = "请填写公开内容。"


class ReviewDecideForm(forms.Form):
    verdict = forms.ChoiceField(
        label="审核意见",
        choices=DisclosureReview.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择审核意见。", "invalid_choice": "请选择审核意见。"},
    )
    reason = LongTextField(
        label="异议理由",
        max_length=500,
        required=False,
        rows=2,
        help_text="有异议时必填。",
        error_messages={"max_length": "理由不能超过500字。"},
    )


class ReviewAnswerForm(forms.Form):
    answer = LongTextField(
        label="答复内容",
        max_length=500,
        rows=2,
        error_messages={"required": "请填写答复内容。", "max_length": "答复内容不能超过500字。"},
    )


class AmendmentSignoffForm(forms.Form):
    verdict = forms.ChoiceField(
        label="确认意见",
        choices=Amendment.Signoff.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择确认或不予确认。", "invalid_choice": "请选择确认或不予确认。"},
    )
    reason = forms.CharField(
        label="不予确认理由",
        max_length=300,
        required=False,
        error_messages={"max_length": "理由不能超过300字。"},
    )


class DisclosurePhotoForm(forms.Form):
    """The board's photo, chosen on the confirmation page (see MeetingPapersForm). The service checks the
    picture by content (and re-encodes it); the form only takes the file."""

    board_photo = forms.FileField(
        label="公开栏照片", required=False, help_text="张贴后拍摄公开栏，JPEG/PNG/WebP，≤10MB；也可稍后补传。"
    )


class BoardPhotoForm(forms.Form):
    photo = forms.FileField(label="公开栏照片", error_messages={"required": "请选择照片。"})


class AmendmentForm(forms.Form):
    field = forms.ChoiceField(label="更正项目", choices=Amendment.Field.choices)
    corrected = LongTextField(label="更正为", max_length=_limit(Amendment, "corrected"), rows=3)
    reason = forms.CharField(label="更正理由", max_length=300)


class ObjectionForm(forms.Form):
    received_on = DateField(label="收到日期", widget=DATE)
    summary = LongTextField(
        label="异议内容",
        max_length=500,
        rows=2,
        help_text="只记录异议的内容，不记录提出人的姓名和联系方式。",
    )


class ObjectionAnswerForm(forms.Form):
    answer = LongTextField(label="答复内容", max_length=500, rows=2)
    answered_on = DateField(label="答复日期", widget=DATE)


class OpinionForm(forms.Form):
    verdict = forms.ChoiceField(
        label="监督意见", choices=SupervisionOpinion.Verdict.choices, widget=forms.RadioSelect
    )
    reason = LongTextField(
        label="理由",
        max_length=500,
        required=False,
        rows=2,
        help_text="提出异议时必填。",
    )


class SupervisionAnswerForm(forms.Form):
    answer = LongTextField(
        label="答复内容",
        max_length=500,
        rows=2,
        error_messages={"required": "请填写答复内容。", "max_length": "答复内容不能超过500字。"},
    )


class SupervisionCloseForm(forms.Form):
    note = forms.CharField(label="关闭说明", max_length=300, required=False)


class RosterForm(forms.Form):
    valid_from = DateField(label="起始日期", widget=DATE)
    branch_committee = _count("村党组织委员数")
    party_members = _count("有表决权党员数")
    committee_members = _count("两委成员数（按人计）")
    village_committee = _count("村民委员会成员数")
    representatives = _count("村民代表数")
    adults = _count("18周岁以上村民数")
    households = _count("户数")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "committee_members"
        ].help_text = (
            "村党组织委员和村民委员会委员合计，按人计算：一人兼任多个职务（“一肩挑”、交叉任职）只计一人。"
        )
        self.fields[
            "village_committee"
        ].help_text = "村民代表会议由村民委员会成员和村民代表组成，应到人数为两者之和。"
        self.fields[
            "party_members"
        ].help_text = "正式党员，不含预备党员和受留党察看处分的党员；外出流动党员计入。"


class CategoryForm(forms.Form):
    region = forms.ModelChoiceField(label="添加单位", queryset=None, empty_label=None)
    name = forms.CharField(label="事项类别", max_length=60)
    majority = forms.ChoiceField(
        label="决议表决规则",
        choices=Majority.choices,
        initial=Majority.STANDARD,
        required=False,  # left out: the ordinary rule
        help_text="法律要求三分之二以上同意的事项（如土地承包、调整承包地、发包给本集体以外的单位或个人）"
        "选“全体应到人员三分之二以上同意”：按村民会议应到人数或村民代表会议组成人员数计算，不是到会人数。",
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean_majority(self) -> str:
        return self.cleaned_data["majority"] or Majority.STANDARD


class DecisionRulesForm(forms.ModelForm):
    """The county's rules of the procedure, a block of the county settings page."""

    class Meta:
        model = DecisionRules
        fields = [
            "disclosure_days",
            "resolution_within_days",
            "record_within_days",
            "stuck_days",
            "short_notice",
        ]
        help_texts = {
            "disclosure_days": "不少于7天，自张贴次日起算；最后一天是休息日的，顺延至下一个工作日。",
            "short_notice": "召集村民会议应当提前十天通知村民（村民委员会组织法第二十一条）。通知不足10天的村民会议"
            "决议是否允许录入；允许录入的，在决策记录簿和乡镇督导页标记。",
            "resolution_within_days": "提议会议到决议会议的最长天数。",
            "record_within_days": "会议召开后应在几天内录入平台。",
            "stuck_days": "事项在同一环节停留超过此天数即提醒村党组织书记（组织实施环节除外）。",
        }


class WithdrawForm(forms.Form):
    """撤回 an open matter before its resolution: the reason goes on its timeline."""

    version = VersionField()
    reason = forms.CharField(
        label="撤回原因", max_length=300, error_messages={"required": "请填写撤回的原因。"}
    )


class TerminateForm(forms.Form):
    """终止 a resolved matter: the reason is posted on the bulletin as its result disclosure "未实施"."""

    version = VersionField()
    reason = LongTextField(
        label="未实施的原因",
        max_length=300,
        rows=3,
        help_text="将作为“实施结果公开（未实施）”张贴在村务公开栏。",
        error_messages={"required": "请填写未实施的原因（将在公开栏公开）。"},
    )
    spent_amount = DisclosureForm.base_fields["spent_amount"]
    posted_on = DateField(label="张贴日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spent_amount"].help_text = "已经发生的支出；没有支出可不填。"
        self.fields["posted_on"].initial = timezone.localdate()


class FiledForm(forms.Form):
    """``?filed=1``: the objection page right after the villager's objection was filed."""

    filed = forms.BooleanField(required=False)


class PublicObjectionForm(forms.Form):
    """A villager's objection on the public bulletin: name and phone are kept for the answer, shown masked."""

    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写您的姓名。"})
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        help_text="手机号码或带区号的固定电话，仅用于村里答复您，公开栏上隐去中间数字。",
        error_messages={"required": "请填写联系电话。"},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    summary = LongTextField(
        label="异议内容",
        max_length=500,
        rows=4,
        help_text="异议内容和村里的答复将在本页公开，请勿填写他人的个人信息。",
        error_messages={"required": "请填写异议内容。", "max_length": "异议内容不超过500字。"},
    )

    def clean_phone(self) -> str:
        return contact_phone_validate(self.cleaned_data["phone"])
