from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = "矛盾调解化解"

    def ready(self) -> None:
        from core.registry import Contribution, CountySetting, NavItem, Panel, contribute
        from mediation import demo, panels, permissions
        from mediation.forms import MediationRulesForm
        from mediation.kinds import MediationReminder
        from mediation.models import MediationRules
        from regions.roles import Level

        contribute(
            Contribution(
                app_label=self.label,
                region_permissions=permissions.REGION_PERMISSIONS,
                role_permissions=permissions.ROLE_PERMISSIONS,
                nav=(
                    NavItem("矛盾调解", "mediation:dispute-list", perm=permissions.VIEW_DISPUTES, order=35),
                ),
                panels=(
                    Panel(
                        "mediation",
                        "矛盾调解",
                        "mediation/panels/village.html",
                        (Level.VILLAGE,),
                        data=panels.village_data,
                        personal=panels.village_personal,
                        cache_topic="mediation",
                        order=18,
                    ),
                    Panel(
                        "mediation_oversight",
                        "矛盾调解",
                        "mediation/panels/oversight.html",
                        (Level.TOWNSHIP, Level.COUNTY),
                        data=panels.oversight_data,
                        personal=panels.oversight_personal,
                        cache_topic="mediation",
                        order=18,
                    ),
                ),
                county_settings=(
                    CountySetting("mediation", "矛盾调解规定", MediationRules, MediationRulesForm, order=30),
                ),
                reminder_kinds=MediationReminder,
                demo=demo.seed,
                demo_order=30,
            )
        )
