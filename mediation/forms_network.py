"""Forms of the mediation network: grids, a committee's term, its members (input parsing only)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import DateField, DateInput
from core.personal_data import contact_phone_validate
from core.text import is_ascii_digits
from mediation.models import CommitteePosition, Gender
from mediation.services.network import END_REASONS
from regions.models import GRID_HOUSEHOLDS_USUAL


class GridForm(forms.Form):
    name = forms.CharField(
        label="网格名称", max_length=50, help_text="如“一组网格”；整村为一个网格时可写“全村网格”。"
    )
    households = forms.IntegerField(
        label="常住户数",
        required=False,
        min_value=1,
        max_value=100_000,
        help_text="通常每个网格{}-{}户（超出范围可以保存，页面会提示核实）。".format(*GRID_HOUSEHOLDS_USUAL),
    )
    area = forms.CharField(
        label="覆盖范围", max_length=200, required=False, help_text="如所含村民小组、自然村或街巷。"
    )


class CommitteeTermForm(forms.Form):
    name = forms.CharField(
        label="名称", max_length=60, required=False, help_text="留空则为“本村（乡镇）名称+人民调解委员会”。"
    )
    term_starts_on = DateField(label="本届任期开始", widget=DateInput)
    term_ends_on = DateField(
        label="本届任期届满",
        required=False,
        widget=DateInput,
        help_text="留空则为开始日期起三年（人民调解法第九条）。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_starts_on"].initial = timezone.localdate()


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=30)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    position = forms.ChoiceField(
        label="职务", choices=CommitteePosition.choices, initial=CommitteePosition.MEMBER
    )
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    started_on = DateField(label="任职日期", widget=DateInput)
    user = forms.ChoiceField(
        label="系统账号", required=False, help_text="该成员在本区划任职的，可关联其账号。"
    )

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in users}
        self.fields["user"].choices = [("", "不关联")] + [(pk, u.real_name) for pk, u in self.users.items()]
        self.fields["started_on"].initial = timezone.localdate()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return contact_phone_validate(phone) if phone else ""

    def clean_user(self):
        value = self.cleaned_data["user"]
        return self.users.get(value) if value and is_ascii_digits(value) else None


class MemberEndForm(forms.Form):
    ended_on = DateField(label="离任日期", widget=DateInput)
    reason = forms.ChoiceField(label="离任原因", choices=END_REASONS)
    note = forms.CharField(label="具体情况", max_length=150, required=False)
