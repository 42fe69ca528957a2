from __future__ import annotations

from django import forms

from audit.models import AuthEvent

RECORD_TYPES = [
    ("", "全部"),
    ("centers.RegionEvent", "行政区划"),
    ("centers.ServiceCenterEvent", "党群服务中心"),
    ("centers.ChecklistEntryEvent", "建设标准达标情况"),
    ("centers.PostEvent", "职务"),
    ("accounts.UserEvent", "用户"),
    ("centers.RoomTypeEvent", "功能室类型"),
    ("centers.ChecklistItemEvent", "建设标准项"),
]


class AuditFilterForm(forms.Form):
    actor = forms.IntegerField(label="操作人ID", required=False, min_value=1)
    model = forms.ChoiceField(label="记录类型", choices=RECORD_TYPES, required=False)
    obj_id = forms.IntegerField(label="记录ID", required=False, min_value=1)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AuthEventFilterForm(forms.Form):
    username = forms.CharField(label="登录名", required=False, max_length=150)
    kind = forms.ChoiceField(label="事件", choices=[("", "全部"), *AuthEvent.Kind.choices], required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
