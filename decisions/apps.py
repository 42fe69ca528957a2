from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "民主决策（四议两公开）"

    def ready(self) -> None:
        from core.charts import Chart
        from core.registry import Contribution, CountySetting, NavItem, Panel, contribute
        from decisions import charts, demo, panels, permissions
        from decisions.forms import DecisionRulesForm
        from decisions.kinds import DecisionReminder
        from decisions.models import DecisionRules
        from regions.roles import Level

        contribute(
            Contribution(
                app_label=self.label,
                region_permissions=permissions.REGION_PERMISSIONS,
                role_permissions=permissions.ROLE_PERMISSIONS,
                nav=(
                    NavItem("民主决策", "decisions:matter-list", order=30),
                    NavItem(
                        "决策事项类别",
                        "decisions:categories",
                        perm=permissions.MANAGE_DECISION_CATEGORIES,
                        order=85,
                        manage=True,
                    ),
                ),
                panels=(
                    Panel(
                        "decisions",
                        "民主决策（四议两公开）",
                        "decisions/panels/village.html",
                        (Level.VILLAGE,),
                        data=panels.village_data,
                        personal=panels.village_personal,
                        cache_topic="decisions",
                        order=17,
                    ),
                    Panel(
                        "decision_oversight",
                        "民主决策（四议两公开）",
                        "decisions/panels/oversight.html",
                        (Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE),
                        data=panels.oversight_data,
                        cache_topic="decisions",
                        order=17,
                    ),
                ),
                charts=(
                    Chart(
                        "matters_by_step",
                        "办理中的决策事项（按环节）",
                        (Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE),
                        rows=charts.matters_by_step_rows,
                        build=charts.matters_by_step_build,
                        cache_topic="decisions",
                        order=30,
                    ),
                ),
                county_settings=(
                    CountySetting("decisions", "四议两公开规定", DecisionRules, DecisionRulesForm, order=20),
                ),
                reminder_kinds=DecisionReminder,
                demo=demo.seed_after_centers,
                demo_order=20,
            )
        )
