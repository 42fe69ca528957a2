from __future__ import annotations

from django import forms

from audit import history
from audit.models import AuthEvent
from core import registry
from core.forms import DateField, DateInput, IdField


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
    actor = IdField(label="操作人ID", required=False)
    model = forms.ChoiceField(label="记录类型", choices=record_types, required=False)
    obj_id = IdField(label="记录ID", required=False)
    date_from = DateField(label="起始日期", required=False, widget=DateInput)
    date_to = DateField(label="截止日期", required=False, widget=DateInput)


class AuthEventFilterForm(forms.Form):
    username = forms.CharField(label="登录名", required=False, max_length=150)
    kind = forms.ChoiceField(label="事件", choices=[("", "全部"), *AuthEvent.Kind.choices], required=False)
    date_from = DateField(label="起始日期", required=False, widget=DateInput)
    date_to = DateField(label="截止日期", required=False, widget=DateInput)
