from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = "党群服务中心（服务党员群众）"

    def ready(self) -> None:
        from centers import charts, demo, exports, imports, panels, permissions
        from centers.forms import DutyRulesForm
        from centers.kinds import CenterReminder
        from centers.models import DutyRules
        from centers.services import service_centers_ensure
        from core.charts import Chart
        from core.registry import (
            ChildFigure,
            Contribution,
            CountySetting,
            ExportKind,
            NavItem,
            Panel,
            contribute,
        )
        from regions.roles import Level
        from spreadsheets.imports import register as import_register

        import_register(imports.SERVICE_ITEMS)
        above_village = (Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE)
        contribute(
            Contribution(
                app_label=self.label,
                region_permissions=permissions.REGION_PERMISSIONS,
                role_permissions=permissions.ROLE_PERMISSIONS,
                nav=(
                    NavItem("代办事项", "centers:request-list", order=20),
                    NavItem("问题建议", "centers:suggestion-list", order=22),
                    NavItem("坐班出勤", "centers:duty-attendance", order=40),
                    NavItem("服务事项", "centers:service-item-list", order=41),
                    NavItem(
                        "功能室和建设标准清单",
                        "centers:center-lists",
                        perm=permissions.MANAGE_CENTER_LISTS,
                        order=84,
                        manage=True,
                    ),
                ),
                panels=(
                    Panel(
                        "duty",
                        "今日值班",
                        "centers/panels/duty.html",
                        (Level.VILLAGE,),
                        data=panels.duty_data,
                        personal=panels.duty_personal,
                        cache_topic="duty",
                        order=5,
                    ),
                    Panel(
                        "requests",
                        "代办督办",
                        "centers/panels/requests.html",
                        (Level.VILLAGE, *above_village),
                        data=panels.requests_data,
                        personal=panels.requests_personal,
                        cache_topic="requests",
                        order=15,
                    ),
                    Panel(
                        "suggestions",
                        "群众问题建议",
                        "centers/panels/suggestions.html",
                        # the county reads its villages' on the list and the figures page
                        (Level.VILLAGE, Level.TOWNSHIP),
                        data=panels.suggestions_data,
                        cache_topic="suggestions",
                        order=18,
                    ),
                    Panel(
                        "attendance",
                        "本月坐班出勤",
                        "centers/panels/attendance.html",
                        above_village,
                        data=panels.attendance_data,
                        cache_topic="duty",
                        order=16,
                    ),
                    Panel(
                        "center",
                        "党群服务中心",
                        "centers/panels/center.html",
                        (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY),
                        data=panels.center_data,
                        cache_topic="center",
                        order=20,
                    ),
                ),
                charts=(
                    Chart(
                        "requests_by_month",
                        "代办受理与按时办结率（近12个月）",
                        above_village,
                        rows=charts.requests_by_month_rows,
                        build=charts.requests_by_month_build,
                        cache_topic="requests",
                        order=10,
                    ),
                    Chart(
                        "attendance_by_child",
                        "本月坐班出勤（按下辖区划）",
                        above_village,
                        rows=charts.attendance_by_child_rows,
                        build=charts.attendance_by_child_build,
                        cache_topic="duty",
                        order=20,
                    ),
                ),
                child_figures=(ChildFigure("checklist", "建设标准达标率", panels.checklist_by_child),),
                county_settings=(CountySetting("duty", "坐班规定", DutyRules, DutyRulesForm, order=10),),
                reminder_kinds=CenterReminder,
                export_kinds=(
                    ExportKind(
                        "proxy_requests",
                        counter=exports.proxy_requests_export_count,
                        builder=exports.proxy_requests_export_build,
                    ),
                ),
                # The M2M table of a center's rooms has no verbose name of its own.
                audit_labels={"centers.ServiceCenterRoomEvent": "党群服务中心功能室"},
                regions_created=lambda regions: service_centers_ensure(regions=regions),
                demo=demo.seed,
                demo_order=10,
                duty_holder=_duty_holder,
            )
        )


def _duty_holder(village, day):
    """The cadre on the village's duty shift that day (other systems read it through the registry)."""
    from centers.selectors import duty_today

    shift = duty_today(village=village, today=day)
    return shift.cadre if shift is not None else None
