from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = "矛盾调解化解"

    def ready(self) -> None:
        from core.registry import Contribution, CountySetting, DeskLink, NavItem, contribute
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
                ),
                county_settings=(
                    CountySetting("mediation", "矛盾调解规定", MediationRules, MediationRulesForm, order=30),
                ),
                reminder_kinds=MediationReminder,
                # The service desk's intake screen: a walk-in with a dispute becomes a case (?village=<code>).
                desk_links=(
                    DeskLink("登记矛盾纠纷", "mediation:dispute-create", perm=permissions.REPORT_DISPUTES),
                ),
            )
        )
