"""Forms of the mediation system: validation with clear Chinese messages (writes go through services)."""

from __future__ import annotations

from django import forms

from mediation.models import MediationRules


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
