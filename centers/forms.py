from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from centers.models import (
    ChecklistEntry,
    DutyRules,
    HandlingWay,
    ProxyRequest,
    ProxyRequestTimelineEvent,
    ServiceCenter,
    ServiceItem,
)
from centers.selectors import KEEP
from centers.services.suggestions import ANSWER_MAX as SUGGESTION_ANSWER_MAX
from centers.services.suggestions import ANSWER_TOO_LONG as SUGGESTION_ANSWER_TOO_LONG
from centers.services.suggestions import CONTENT_MAX as SUGGESTION_CONTENT_MAX
from centers.services.suggestions import CONTENT_TOO_LONG as SUGGESTION_CONTENT_TOO_LONG
from centers.workflows import PROXY_REQUEST
from core.forms import DateInput, TimeInput

phone_validator = RegexValidator(r"^[0-9\-]{7,20}$", "请输入有效的电话号码（数字和短横线）。")


class CenterForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    duty_phone = forms.CharField(
        label="值班电话", max_length=20, required=False, validators=[phone_validator]
    )

    class Meta:
        model = ServiceCenter
        fields = ["name", "address", "duty_phone", "opening_hours", "rooms"]
        widgets = {"rooms": forms.CheckboxSelectMultiple}

    def __init__(self, *args, room_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rooms"].queryset = room_types
        self.fields["rooms"].required = False
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class ChecklistEntryForm(forms.ModelForm):
    photo = forms.FileField(label="照片", required=False, help_text="JPEG、PNG或WebP，不超过5MB。")
    remove_photo = forms.BooleanField(label="删除原照片", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0

    class Meta:
        model = ChecklistEntry
        fields = ["is_met", "checked_on", "note"]
        widgets = {"checked_on": DateInput}

    def clean_checked_on(self):
        value = self.cleaned_data.get("checked_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("检查日期不能晚于今天。")
        return value


class RoomTypeForm(forms.Form):
    name = forms.CharField(label="功能室名称", max_length=50)


class ChecklistItemForm(forms.Form):
    category = forms.CharField(label="类别", max_length=30, help_text="如：外观标识、公开事项")
    name = forms.CharField(label="标准项", max_length=100)
    description = forms.CharField(label="要求", max_length=300, required=False)


class ServiceItemForm(forms.ModelForm):
    class Meta:
        model = ServiceItem
        fields = [
            "name",
            "category",
            "handling_way",
            "office",
            "materials",
            "promised_days",
            "needs_id_number",
            "conditions",
            "flow",
        ]
        widgets = {
            "materials": forms.Textarea(attrs={"rows": 4}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "flow": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"] = forms.ModelChoiceField(label="制定单位", queryset=owners, empty_label=None)
            self.order_fields(["owner", *self.Meta.fields])

    def validate_unique(self):
        """Uniqueness per owner is checked by the service (the owner is not a model field here)."""


class ServiceItemFilterForm(forms.Form):
    q = forms.CharField(label="事项或科室", max_length=50, required=False)
    category = forms.CharField(label="类别", max_length=30, required=False)
    handling_way = forms.ChoiceField(
        label="办理方式", choices=[("", "全部"), *HandlingWay.choices], required=False
    )


class ProxyRequestAcceptForm(forms.Form):
    """Intake on a phone: village (preset for a village cadre), item, applicant, materials received."""

    village = forms.ModelChoiceField(label="村（社区）", queryset=None, empty_label=None)
    item = forms.ModelChoiceField(label="服务事项", queryset=None, empty_label="请选择事项")
    applicant_name = forms.CharField(label="申请人姓名", max_length=50)
    applicant_phone = forms.CharField(
        label="联系电话",
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_id_number = forms.CharField(
        label="身份证号", max_length=18, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    materials_received = forms.MultipleChoiceField(
        label="已收材料", required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, villages=None, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["item"].queryset = items
        item_id = self.data.get("item") if self.is_bound else None
        item = items.filter(pk=item_id).first() if item_id and _is_ascii_number(item_id) else None
        self.fields["materials_received"].choices = [(m, m) for m in (item.material_list if item else [])]


def _is_ascii_number(value) -> bool:
    """str.isdigit() also accepts '²' and full-width digits, which no primary key lookup can take."""
    return str(value).isascii() and str(value).isdigit()


class ProxyRequestTransitionForm(forms.Form):
    """One transition of a request; which fields matter depends on the transition (the service checks)."""

    REPLY_CHANNELS = [("电话告知", "电话告知"), ("当面告知", "当面告知"), ("短信告知", "短信告知")]

    # The transitions the request's page offers (the township decides on an extension on its own form).
    name = forms.ChoiceField(
        choices=[(t.name, t.label) for t in PROXY_REQUEST.transitions.values() if t.offer],
        widget=forms.HiddenInput,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="说明", max_length=300, required=False)
    office = forms.CharField(label="承办科室", max_length=60, required=False)
    result = forms.CharField(label="办理结果", max_length=300, required=False)
    reply_channel = forms.ChoiceField(label="告知方式", required=False, choices=[("", "—"), *REPLY_CHANNELS])
    reply_text = forms.CharField(label="告知申请人的办理结果", max_length=300, required=False)
    satisfaction = forms.ChoiceField(
        label="满意度", required=False, choices=[("", "—"), *ProxyRequest.Satisfaction.choices]
    )
    handler = forms.ModelChoiceField(label="新承办人", queryset=None, required=False)
    promised_date = forms.DateField(label="申请延期至", required=False, widget=DateInput)

    def __init__(self, *args, handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers


class ExtensionDecisionForm(forms.Form):
    """The township's decision on a request for an extension (延期审批); the service checks the rest."""

    decision = forms.ChoiceField(
        label="审批意见",
        choices=[
            (ProxyRequestTimelineEvent.Kind.EXTENSION_GRANT, "批准延期"),
            (ProxyRequestTimelineEvent.Kind.EXTENSION_DENY, "不批准"),
        ],
        error_messages={"required": "请选择批准或不批准。", "invalid_choice": "请选择批准或不批准。"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="审批意见说明", max_length=300, required=False)


class ProxyRequestFilterForm(forms.Form):
    query = forms.CharField(label="编号、申请人或事项", max_length=50, required=False)
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *ProxyRequest.Status.choices], required=False
    )
    flag = forms.ChoiceField(
        label="红黄牌", choices=[("", "全部"), ("yellow", "黄牌"), ("red", "红牌")], required=False
    )
    extension = forms.ChoiceField(
        label="延期申请", choices=[("", "全部"), ("pending", "待乡镇审批")], required=False
    )
    township = forms.ChoiceField(label="乡镇（街道）", required=False)
    village = forms.ChoiceField(label="村（社区）", required=False)
    item_id = forms.TypedChoiceField(label="服务事项", coerce=int, required=False, empty_value=None)
    handler_id = forms.IntegerField(label="承办人", required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label="受理起", required=False, widget=DateInput)
    date_to = forms.DateField(label="受理止", required=False, widget=DateInput)

    def __init__(self, *args, items=(), regions=None, **kwargs):
        """``items``: (id, name) pairs of the service items to choose from; ``regions``: the townships
        and villages (regions.selectors.region_filter_choices) — a filter with one choice or none is
        left out (a village cadre sees only their village)."""
        super().__init__(*args, **kwargs)
        self.fields["item_id"].choices = [("", "全部"), *items]
        regions = regions or {}
        for name, key in (("township", "townships"), ("village", "villages")):
            choices = regions.get(key, [])
            if len(choices) > 1:
                self.fields[name].choices = [("", "全部"), *choices]
            else:
                del self.fields[name]


class LookupForm(forms.Form):
    code = forms.CharField(label="回执码", max_length=12)
    phone_last4 = forms.CharField(
        label="手机号后四位",
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class DutyRulesForm(forms.ModelForm):
    """The county's duty-shift rules, a block of the county settings page."""

    class Meta:
        model = DutyRules
        fields = ["starts_at", "ends_at", "cutoff", "grace_minutes", "remind_minutes_before"]
        widgets = {"starts_at": TimeInput, "ends_at": TimeInput, "cutoff": TimeInput}
        help_texts = {
            "cutoff": "截止时间加宽限分钟后仍未签到，记为缺勤并通知村党组织书记和包村干部。",
            "remind_minutes_before": "截止前多少分钟提醒当天值班干部签到。",
        }


class ShiftLogForm(forms.Form):
    visitors = forms.IntegerField(
        label="接待人次",
        min_value=0,
        max_value=10000,
        error_messages={
            "invalid": "接待人次应为0到10000之间的整数。",
            "min_value": "接待人次应为0到10000之间的整数。",
            "max_value": "接待人次应为0到10000之间的整数。",
        },
    )
    handled = forms.CharField(label="办理事项记录", max_length=2000, required=False)


class CheckInForm(forms.Form):
    """The browser's position, only when the cadre allowed it; anything else is dropped, never refused."""

    latitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )

    def position(self) -> tuple:
        if not self.is_valid():
            return None, None
        return self.cleaned_data["latitude"], self.cleaned_data["longitude"]


class RosterDayForm(forms.Form):
    date = forms.DateField(
        label="日期",
        widget=DateInput,
        error_messages={"required": "请填写有效的日期。", "invalid": "请填写有效的日期。"},
    )
    cadre = forms.ModelChoiceField(label="值班干部", queryset=None, required=False)

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres


class RosterPatternForm(forms.Form):
    """A weekly pattern over a range, each weekday starting from what the month's roster holds."""

    start = forms.DateField(
        label="开始日期",
        widget=DateInput,
        error_messages={"required": "请填写有效的日期。", "invalid": "请填写有效的日期。"},
    )
    end = forms.DateField(
        label="结束日期",
        widget=DateInput,
        error_messages={"required": "请填写有效的日期。", "invalid": "请填写有效的日期。"},
    )

    def __init__(self, *args, cadres=(), current=(), **kwargs):
        """``cadres``: who may be rostered; ``current``: the month's WeekdayPatterns (the initial values,
        and which weekdays are mixed and so may be kept as they are)."""
        super().__init__(*args, **kwargs)
        self.cadres = {str(c.pk): c for c in cadres}
        self.current = list(current)
        choices = [(pk, c.real_name) for pk, c in self.cadres.items()]
        choosable = set(self.cadres)
        for row in self.current:
            keep = [(KEEP, "保持各天现状")] if row.value == KEEP else []
            # A cadre the roster holds who no longer has a duty post is still shown as such: showing
            # 不排班 instead would make applying the form unchanged delete their days.
            gone = []
            if row.cadre is not None and row.value not in choosable:
                self.cadres[row.value] = row.cadre
                gone = [(row.value, f"{row.cadre.real_name}（已不在值班岗位）")]
            self.fields[f"weekday{row.weekday}"] = forms.ChoiceField(
                label=row.label,
                choices=[("", "不排班"), *keep, *gone, *choices],
                required=False,
                initial=row.value,
                help_text=row.summary,
                error_messages={"invalid_choice": f"{row.label}所选干部不能排班。"},
            )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise forms.ValidationError("结束日期不能早于开始日期。")
            if (data["end"] - data["start"]).days > 366:
                raise forms.ValidationError("一次最多排一年。")
        return data

    def weekday_rows(self) -> list[tuple]:
        """(pattern row, bound field) per weekday, for the template."""
        return [(row, self[f"weekday{row.weekday}"]) for row in self.current]

    def pattern(self) -> dict:
        """weekday -> cadre, None (nobody) or KEEP (the days stay as they are)."""
        pattern = {}
        for row in self.current:
            value = self.cleaned_data.get(f"weekday{row.weekday}") or ""
            pattern[row.weekday] = KEEP if value == KEEP else self.cadres.get(value)
        return pattern


class SwapForm(forms.Form):
    first = forms.DateField(
        label="换班日期一",
        widget=DateInput,
        error_messages={"required": "请填写有效的日期。", "invalid": "请填写有效的日期。"},
    )
    second = forms.DateField(
        label="换班日期二",
        widget=DateInput,
        error_messages={"required": "请填写有效的日期。", "invalid": "请填写有效的日期。"},
    )
    agreed_by = forms.ModelChoiceField(
        label="确认人",
        queryset=None,
        empty_label="请选择确认换班的干部",
        help_text="换班双方中确认同意的一方；由换班一方操作时，须由另一方确认。",
        error_messages={"required": "请选择确认换班的干部。", "invalid_choice": "请选择确认换班的干部。"},
    )

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_by"].queryset = cadres


class SuggestionForm(forms.Form):
    """The public suggestions box. Only the size is checked here (a huge post is refused before anything
    else); what the content must be is the service's rule (centers.services.suggestions)."""

    content = forms.CharField(
        label="问题或建议",
        required=False,
        max_length=SUGGESTION_CONTENT_MAX,
        error_messages={"max_length": SUGGESTION_CONTENT_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": SUGGESTION_CONTENT_MAX}),
    )
    name = forms.CharField(label="姓名（可不填）", required=False, max_length=50)
    phone = forms.CharField(
        label="手机号（可不填，便于村里联系您）",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )


class SuggestionLookupForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=12)


class SuggestionAnswerForm(forms.Form):
    answer = forms.CharField(
        label="答复",
        max_length=SUGGESTION_ANSWER_MAX,
        required=False,
        error_messages={"max_length": SUGGESTION_ANSWER_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SuggestionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), ("open", "未答复"), ("answered", "已答复")], required=False
    )
    township = forms.ChoiceField(label="乡镇（街道）", required=False)
    village = forms.ChoiceField(label="村（社区）", required=False)

    def __init__(self, *args, regions=None, **kwargs):
        """``regions`` as for ProxyRequestFilterForm: a filter with one choice or none is left out."""
        super().__init__(*args, **kwargs)
        regions = regions or {}
        for name, key in (("township", "townships"), ("village", "villages")):
            choices = regions.get(key, [])
            if len(choices) > 1:
                self.fields[name].choices = [("", "全部"), *choices]
            else:
                del self.fields[name]
