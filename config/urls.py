from django.contrib import admin
from django.urls import include, path

from centers import views as center_views
from centers import views_requests

admin.site.site_header = "党群服务中心平台管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "主数据管理"

urlpatterns = [
    path("", center_views.home, name="home"),
    path("healthz/", center_views.healthz, name="healthz"),
    path("lookup/", views_requests.lookup, name="lookup"),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("", include("centers.urls")),
    path("admin/", admin.site.urls),
]
