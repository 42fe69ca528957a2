"""django-celery-beat in the admin, in Chinese and cut to what the portal uses.

Its columns that show a model property (``scheduler``, ``human_readable``) would be titled with the English
property name, so they are shown through described methods. The portal's schedules are crontabs defined in
CELERY_BEAT_SCHEDULE (copied into these tables when beat starts), so solar (sunrise/sunset) and one-off
clocked schedules are hidden: nothing uses them and a system administrator should not start to.
"""

from __future__ import annotations

from django.contrib import admin
from django_celery_beat.admin import CrontabScheduleAdmin, PeriodicTaskAdmin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, PeriodicTask, SolarSchedule

for model in (PeriodicTask, CrontabSchedule, ClockedSchedule, SolarSchedule):
    admin.site.unregister(model)


@admin.register(PeriodicTask)
class ChinesePeriodicTaskAdmin(PeriodicTaskAdmin):
    list_display = tuple(
        "schedule" if name == "scheduler" else name for name in PeriodicTaskAdmin.list_display
    )

    @admin.display(description="执行计划")
    def schedule(self, obj: PeriodicTask) -> object:
        return obj.scheduler


@admin.register(CrontabSchedule)
class ChineseCrontabScheduleAdmin(CrontabScheduleAdmin):
    list_display = ("__str__", "readable")
    fields = ("readable", *(name for name in CrontabScheduleAdmin.fields if name != "human_readable"))
    readonly_fields = ("readable",)

    @admin.display(description="说明")
    def readable(self, obj: CrontabSchedule) -> str:
        return obj.human_readable
