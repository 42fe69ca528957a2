"""Chinese names for the third-party apps that bring none (the admin's headings, the content types).

Each subclasses the package's own AppConfig, so its ready() runs unchanged; INSTALLED_APPS names these
instead of the bare package. Their models' and fields' names come from locale/ (django-axes ships no
Chinese catalog); django.contrib's apps and django-celery-beat have Chinese names in their own catalogs.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig, apps
from guardian.apps import GuardianConfig as BaseGuardianConfig
from pghistory.apps import PGHistoryConfig as BasePGHistoryConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "登录保护"


class GuardianConfig(BaseGuardianConfig):
    verbose_name = "对象权限"


class PGHistoryConfig(BasePGHistoryConfig):
    verbose_name = "变更历史"

    def ready(self) -> None:
        super().ready()
        # pghistory's system check wants the bare name "pgtrigger" in INSTALLED_APPS, so pgtrigger keeps
        # its own AppConfig and is named here, once the registry is built.
        apps.get_app_config("pgtrigger").verbose_name = "数据库触发器"


class HtmxConfig(AppConfig):
    name = "django_htmx"
    verbose_name = "页面局部刷新"


class FiltersConfig(AppConfig):
    name = "django_filters"
    verbose_name = "列表筛选"


class RunserverNostaticConfig(AppConfig):
    name = "whitenoise.runserver_nostatic"
    verbose_name = "开发服务器静态文件"
