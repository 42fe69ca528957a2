from __future__ import annotations

from django import forms

from audit import history
from audit.models import AuthEvent
from core import registry
from core.forms import DateInput


def record_types() -> list[tuple[str, str]]:
    """Every audited record type (each tracked model of every installed system), labelled by its name
    or the label its app registered; found at run time, so a new system's records appear by themselves."""
    labels = registry.audit_labels()
    choices = sorted(
        (
            (model._meta.label, history.record_label(model._meta.label, labels))
            for model in history.event_models()
        ),
        key=lambda choice: choice[0],
    )
    return [("", "全部"), *choices]


class AuditFilterForm(forms.Form):
    actor = forms.IntegerField(label="操作人ID", required=False, min_value=1)
    model = forms.ChoiceField(label="记录类型", choices=record_types, required=False)
    obj_id = forms.IntegerField(label="记录ID", required=False, min_value=1)
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput)
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput)


class AuthEventFilterForm(forms.Form):
    username = forms.CharField(label="登录名", required=False, max_length=150)
    kind = forms.ChoiceField(label="事件", choices=[("", "全部"), *AuthEvent.Kind.choices], required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput)
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput)
