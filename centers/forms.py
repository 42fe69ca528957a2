from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from accounts.models import User, mobile_validator
from centers.models import (
    CalendarDay,
    ChecklistEntry,
    HandlingWay,
    ProxyRequest,
    ProxyRequestStep,
    ServiceCenter,
    ServiceItem,
)
from centers.roles import MANAGE_PEOPLE, Role
from centers.scoping import regions_for_user
from centers.services.posts import grantable_roles_anywhere

phone_validator = RegexValidator(r"^[0-9\-]{7,20}$", "请输入有效的电话号码（数字和短横线）。")


class TableUploadForm(forms.Form):
    file = forms.FileField(label="文件", help_text="CSV（UTF-8或GBK编码）或XLSX，第一行为表头。",
                           error_messages={"required": "请选择要上传的文件。"})

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError("文件不能超过20MB。")
        return upload


class CenterForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    duty_phone = forms.CharField(label="值班电话", max_length=20, required=False, validators=[phone_validator])

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
        widgets = {"checked_on": forms.DateInput(attrs={"type": "date"})}

    def clean_checked_on(self):
        value = self.cleaned_data.get("checked_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("检查日期不能晚于今天。")
        return value


class RegionCodeField(forms.CharField):
    """A region given by its division code, limited to the regions where the user manages people."""

    def __init__(self, *, user=None, **kwargs):
        self.user = user
        super().__init__(max_length=12, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        if not code.isdigit():
            raise forms.ValidationError("请输入区划代码（数字）。")
        region = regions_for_user(self.user, MANAGE_PEOPLE).filter(code=code.ljust(12, "0")).first()
        if region is None:
            raise forms.ValidationError("该区划不存在，或不在您的管辖范围内。")
        return region


class PostGrantForm(forms.Form):
    role = forms.ChoiceField(label="职务", choices=Role.choices)
    region = RegionCodeField(label="所在区划代码", help_text="12位统计用区划代码，如所在村的代码。")
    started_on = forms.DateField(label="任职日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].user = user
        self.fields["started_on"].initial = timezone.localdate()
        # Offer only the roles this user may grant somewhere; the service re-checks per region.
        grantable = grantable_roles_anywhere(user)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in grantable]


class PersonCreateForm(PostGrantForm):
    username = forms.RegexField(label="用户名", max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "用户名只能包含字母、数字和@.+-_。"})
    real_name = forms.CharField(label="姓名", max_length=50)
    mobile = forms.CharField(label="手机号码", max_length=11, required=False, validators=[mobile_validator])

    field_order = ["username", "real_name", "mobile", "role", "region", "started_on"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError("该用户名已被使用。")
        return username

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        if mobile and User.objects.filter(mobile=mobile).exists():
            raise forms.ValidationError("该手机号码已被其他账号使用。")
        return mobile


class RegionSearchForm(forms.Form):
    q = forms.CharField(label="名称或代码", max_length=50, required=False)


class RoomTypeForm(forms.Form):
    name = forms.CharField(label="功能室名称", max_length=50)


class ChecklistItemForm(forms.Form):
    category = forms.CharField(label="类别", max_length=30, help_text="如：外观标识、公开事项")
    name = forms.CharField(label="标准项", max_length=100)
    description = forms.CharField(label="要求", max_length=300, required=False)


class ServiceItemForm(forms.ModelForm):
    class Meta:
        model = ServiceItem
        fields = ["name", "category", "handling_way", "office", "materials", "promised_days", "needs_id_number"]
        widgets = {"materials": forms.Textarea(attrs={"rows": 4})}

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
    handling_way = forms.ChoiceField(label="办理方式", choices=[("", "全部"), *HandlingWay.choices], required=False)


class OwnerUploadForm(TableUploadForm):
    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = forms.ModelChoiceField(label="制定单位", queryset=owners, empty_label=None)
        self.order_fields(["owner", "file"])


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=CalendarDay.Kind.choices)
    name = forms.CharField(label="说明", max_length=50, required=False, help_text="如：国庆节、国庆调休上班")


class ProxyRequestAcceptForm(forms.Form):
    """Intake on a phone: village (preset for a village cadre), item, applicant, materials received."""

    village = forms.ModelChoiceField(label="村（社区）", queryset=None, empty_label=None)
    item = forms.ModelChoiceField(label="服务事项", queryset=None, empty_label="请选择事项")
    applicant_name = forms.CharField(label="申请人姓名", max_length=50)
    applicant_phone = forms.CharField(label="联系电话", max_length=11,
                                      widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    applicant_id_number = forms.CharField(label="身份证号", max_length=18, required=False,
                                          widget=forms.TextInput(attrs={"autocomplete": "off"}))
    materials_received = forms.MultipleChoiceField(label="已收材料", required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, villages=None, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["item"].queryset = items
        item_id = self.data.get("item") if self.is_bound else None
        item = items.filter(pk=item_id).first() if item_id and str(item_id).isdigit() else None
        self.fields["materials_received"].choices = [(m, m) for m in (item.material_list if item else [])]


class ProxyRequestStepForm(forms.Form):
    kind = forms.ChoiceField(choices=ProxyRequestStep.Kind.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="说明", max_length=300, required=False)
    office = forms.CharField(label="承办科室", max_length=60, required=False)
    result = forms.CharField(label="办理结果", max_length=300, required=False)
    reply_channel = forms.ChoiceField(label="告知方式", required=False,
                                      choices=[("", "—"), ("电话告知", "电话告知"), ("当面告知", "当面告知"),
                                               ("短信告知", "短信告知")])
    satisfaction = forms.ChoiceField(label="满意度", required=False,
                                     choices=[("", "—"), *ProxyRequest.Satisfaction.choices])
    handler = forms.ModelChoiceField(label="新承办人", queryset=None, required=False)
    promised_date = forms.DateField(label="新承诺日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers


class ProxyRequestFilterForm(forms.Form):
    query = forms.CharField(label="编号、申请人或事项", max_length=50, required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *ProxyRequest.Status.choices], required=False)
    flag = forms.ChoiceField(label="督办", choices=[("", "全部"), ("yellow", "黄牌"), ("red", "红牌")], required=False)
    item_id = forms.TypedChoiceField(label="服务事项", coerce=int, required=False, empty_value=None)
    handler_id = forms.IntegerField(label="承办人", required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label="受理起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="受理止", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_id"].choices = [("", "全部"), *((item.pk, item.name) for item in items)]


class LookupForm(forms.Form):
    code = forms.CharField(label="回执码", max_length=12)
    phone_last4 = forms.CharField(label="手机号后四位", min_length=4, max_length=4,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric"}))


class DutyRulesForm(forms.Form):
    starts_at = forms.TimeField(label="上班时间", widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label="下班时间", widget=forms.TimeInput(attrs={"type": "time"}))
    cutoff = forms.TimeField(label="签到截止", widget=forms.TimeInput(attrs={"type": "time"}))
    grace_minutes = forms.IntegerField(label="宽限（分钟）", min_value=0, max_value=120)
