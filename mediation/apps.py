from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = "矛盾调解化解"

    def ready(self) -> None:
        from core.registry import Contribution, CountySetting, NavItem, contribute
        from mediation import permissions
        from mediation.forms import MediationRulesForm
        from mediation.kinds import MediationReminder
        from mediation.models import MediationRules

        contribute(
            Contribution(
                app_label=self.label,
                region_permissions=permissions.REGION_PERMISSIONS,
                role_permissions=permissions.ROLE_PERMISSIONS,
                nav=(
                    NavItem("矛盾调解", "mediation:dispute-list", perm=permissions.VIEW_DISPUTES, order=35),
                    NavItem(
                        "调解组织网络", "mediation:network-overview", perm=permissions.VIEW_DISPUTES, order=36
                    ),
                ),
                county_settings=(
                    CountySetting("mediation", "矛盾调解规定", MediationRules, MediationRulesForm, order=30),
                ),
                reminder_kinds=MediationReminder,
            )
        )
