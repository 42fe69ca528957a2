from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = "区划、职务与县级设置"

    def ready(self) -> None:
        from core.registry import Contribution, NavItem, Panel, contribute
        from regions import imports, panels
        from regions.kinds import RegionNotice
        from regions.permissions import after_migrate
        from regions.roles import IMPORT_REGIONS, MANAGE_COUNTY_SETTINGS, MANAGE_PEOPLE, Level
        from spreadsheets.imports import register as import_register

        for kind in (imports.REGIONS, imports.PEOPLE):
            import_register(kind)
        above_village = (Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE)
        contribute(
            Contribution(
                app_label=self.label,
                nav=(
                    NavItem("区划查询", "regions:region-search", order=10),
                    NavItem("人员与职务", "regions:people-list", perm=MANAGE_PEOPLE, order=80, manage=True),
                    NavItem("导入区划", "regions:region-import", perm=IMPORT_REGIONS, order=81, manage=True),
                    NavItem(
                        "工作日历", "regions:calendar", perm=MANAGE_COUNTY_SETTINGS, order=82, manage=True
                    ),
                    NavItem(
                        "县级设置",
                        "regions:county-settings",
                        perm=MANAGE_COUNTY_SETTINGS,
                        order=83,
                        manage=True,
                    ),
                    NavItem("管理后台", "admin:index", staff=True, order=99, manage=True),
                ),
                panels=(
                    Panel(
                        "due",
                        "待办提醒",
                        "regions/panels/due.html",
                        (Level.VILLAGE, *above_village),
                        personal=panels.due_personal,
                        order=10,
                    ),
                    Panel(
                        "people",
                        "在岗人员",
                        "regions/panels/people.html",
                        (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY),
                        data=panels.people_data,
                        cache_topic="people",
                        order=30,
                    ),
                    Panel(
                        "children",
                        "下辖区划",
                        "regions/panels/children.html",
                        above_village,
                        data=panels.children_data,
                        cache_topic="children",
                        order=40,
                        wide=True,
                    ),
                ),
                reminder_kinds=RegionNotice,
            )
        )
        # After migrate (and after a test flush): every system's region permissions exist, grants follow.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="regions_after_migrate")
