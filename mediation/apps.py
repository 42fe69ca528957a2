from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = "矛盾调解化解"

    def ready(self) -> None:
        from core.charts import Chart
        from core.registry import Contribution, CountySetting, DeskLink, NavItem, Panel, contribute
        from mediation import charts, demo, panels, permissions
        from mediation.forms import MediationRulesForm
        from mediation.kinds import MediationReminder
        from mediation.models import MediationRules
        from regions.roles import Level

        above_village = (Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE)
        contribute(
            Contribution(
                app_label=self.label,
                region_permissions=permissions.REGION_PERMISSIONS,
                role_permissions=permissions.ROLE_PERMISSIONS,
                nav=(
                    NavItem("矛盾调解", "mediation:dispute-list", perm=permissions.VIEW_DISPUTES, order=35),
                    # The figures name nobody: whoever sees a region sees them.
                    NavItem("调解统计", "mediation:figures", order=36),
                ),
                charts=(
                    Chart(
                        "disputes_by_month",
                        "矛盾纠纷排查与化解（近12个月）",
                        above_village,
                        rows=charts.disputes_by_month_rows,
                        build=charts.disputes_by_month_build,
                        cache_topic="mediation",
                        order=40,
                    ),
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
                # The service desk's intake screen: a walk-in with a dispute becomes a case (?village=<code>).
                desk_links=(
                    DeskLink("登记矛盾纠纷", "mediation:dispute-create", perm=permissions.REPORT_DISPUTES),
                ),
                demo=demo.seed,
                demo_order=30,
            )
        )
