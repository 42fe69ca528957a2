"""The root URLconf: the shell's pages, then one line per app (a new system adds its line here)."""

from django.contrib import admin
from django.urls import include, path

from centers.urls import public_urlpatterns as center_public_urls
from core.views import healthz
from decisions.urls import public_urlpatterns as bulletin_urls
from regions.views import home

admin.site.site_header = "党群服务中心平台管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "主数据管理"

urlpatterns = [
    path("", home, name="home"),
    path("healthz/", healthz, name="healthz"),
    # Public pages (no login): the request lookup, today's duty, the village-affairs bulletin.
    *center_public_urls,
    *bulletin_urls,
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("exports/", include("spreadsheets.urls")),
    path("audit/", include("auditlog.urls")),
    path("decisions/", include("decisions.urls")),
    path("mediation/", include("mediation.urls")),
    path("", include("centers.urls")),
    path("", include("regions.urls")),
    path("admin/", admin.site.urls),
]
