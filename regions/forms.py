from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from accounts.models import User, mobile_validator
from core.forms import DateField, DateInput, LongTextField
from core.text import is_ascii_digits
from regions.models import CalendarDay, Grid, Region
from regions.roles import MANAGE_PEOPLE, Role
from regions.scoping import regions_for_user
from regions.services.posts import grantable_roles_anywhere

START_AFTER_END = "开始日期不能晚于结束日期。"


class RegionCodeField(forms.CharField):
    """A region given by its division code, limited to the regions where the user manages people."""

    def __init__(self, *, user=None, **kwargs):
        self.user = user
        super().__init__(max_length=12, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        if not is_ascii_digits(code):
            raise forms.ValidationError("请输入区划代码（数字）。")
        region = regions_for_user(self.user, MANAGE_PEOPLE).filter(code=code.ljust(12, "0")).first()
        if region is None:
            raise forms.ValidationError("该区划不存在，或不在您的管辖范围内。")
        return region


class DivisionCodeField(forms.CharField):
    """A region's division code as a query value: ASCII digits, at most 12 (the view looks it up in scope)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_length=12, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        if code and not is_ascii_digits(code):
            raise forms.ValidationError("请输入区划代码（数字）。")
        return code


class PostGrantForm(forms.Form):
    role = forms.ChoiceField(label="职务", choices=Role.choices)
    region = RegionCodeField(label="所在区划代码", help_text="12位统计用区划代码，如所在村的代码。")
    grid = forms.ChoiceField(
        label="所在网格",
        required=False,
        help_text="只用于网格员、网格协管员、网格警务员、网格监督员和党员网格长；"
        "该村只有一个网格或尚未划分网格时可不选。",
    )
    started_on = DateField(label="任职日期", widget=DateInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].user = user
        self.fields["started_on"].initial = timezone.localdate()
        # Offer only the roles this user may grant somewhere; the service re-checks per region.
        grantable = grantable_roles_anywhere(user)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in grantable]
        # The active grids of the villages where the user manages people (one query); the service checks
        # that the grid is the chosen village's and that the post is a grid post.
        self.grids = {
            str(grid.pk): grid
            for grid in Grid.objects.for_user(user, MANAGE_PEOPLE)
            .filter(is_active=True)
            .select_related("village")
            .order_by("village__code", "name")
        }
        self.fields["grid"].choices = [("", "不选（非网格职务，或按默认网格）")] + [
            (pk, f"{grid.village.name} · {grid.name}") for pk, grid in self.grids.items()
        ]

    def clean_grid(self):
        value = self.cleaned_data["grid"]
        return self.grids.get(value) if value else None


class PersonCreateForm(PostGrantForm):
    username = forms.RegexField(
        label="用户名",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字和@.+-_。"},
    )
    real_name = forms.CharField(label="姓名", max_length=50)
    mobile = forms.CharField(label="手机号码", max_length=11, required=False, validators=[mobile_validator])

    field_order = ["username", "real_name", "mobile", "role", "region", "grid", "started_on"]

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


class CalendarDayForm(forms.Form):
    date = DateField(label="日期", widget=DateInput)
    kind = forms.ChoiceField(label="类型", choices=CalendarDay.Kind.choices)
    name = forms.CharField(label="说明", max_length=50, required=False, help_text="如：国庆节、国庆调休上班")


class ReportScopeForm(forms.Form):
    """A figures page's region (by code; the user's own by default) and period (``from``/``to``).

    Bad dates are refused with a message: the page then shows no figures rather than other ones.
    """

    region = DivisionCodeField(label="区划代码", widget=forms.HiddenInput)

    def __init__(self, data=None, *, default_start: datetime.date, **kwargs):
        super().__init__(data, **kwargs)
        today = timezone.localdate()
        self.fields["from"] = DateField(
            label="起",
            required=False,
            initial=default_start,
            widget=DateInput,
            error_messages={"invalid": "起始日期不是有效日期。"},
        )
        self.fields["to"] = DateField(
            label="止",
            required=False,
            initial=today,
            widget=DateInput,
            error_messages={"invalid": "截止日期不是有效日期。"},
        )
        self.default_start, self.today = default_start, today

    def clean(self):
        data = super().clean()
        start = data.get("from") or self.default_start
        end = data.get("to") or self.today
        if "from" not in self.errors and "to" not in self.errors and start > end:
            raise forms.ValidationError(START_AFTER_END)
        data["from"], data["to"] = start, end
        return data


class UrgeForm(forms.Form):
    """督办: what the official asks of the village (a default is used when left empty)."""

    message = LongTextField(
        label="督办要求",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "请尽快办理并回复办理情况。"}),
    )


class UrgingAnswerForm(forms.Form):
    answer = LongTextField(label="回复督办", max_length=300, rows=2)


class CountyChoiceForm(forms.Form):
    """``?county=`` of a county's settings or lists page: one of the counties the user maintains."""

    county = forms.ChoiceField(label="县（区）", required=False)

    def __init__(self, data=None, *, counties, **kwargs):
        super().__init__(data, **kwargs)
        self.counties = {c.code: c for c in counties}
        self.fields["county"].choices = [("", "—"), *((code, code) for code in self.counties)]

    def chosen(self, default: Region | None) -> Region | None:
        """The county asked for; ``default`` when none was asked for; None when it is not one of them."""
        if not self.is_valid():
            return None
        code = self.cleaned_data["county"]
        return self.counties[code] if code else default


class PeopleFilterForm(forms.Form):
    """The people list's ``?region=&q=&ended=1``."""

    region = DivisionCodeField(label="区划代码")
    q = forms.CharField(label="姓名、用户名或手机号", max_length=50, required=False)
    ended = forms.BooleanField(label="含已离任", required=False)
