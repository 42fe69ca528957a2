from django.contrib import admin
from django.urls import include, path, re_path

from centers import views as center_views
from centers import views_duty, views_requests
from decisions import views_public as bulletin_views

admin.site.site_header = "党群服务中心平台管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "主数据管理"

urlpatterns = [
    path("", center_views.home, name="home"),
    path("healthz/", center_views.healthz, name="healthz"),
    path("lookup/", views_requests.lookup, name="lookup"),
    re_path(r"^duty/(?P<code>\d{12})/today/$", views_duty.today_public, name="duty-today"),
    re_path(r"^bulletin/(?P<code>\d{12})/$", bulletin_views.bulletin, name="bulletin"),
    re_path(r"^bulletin/(?P<code>\d{12})/poster/$", bulletin_views.bulletin_poster, name="bulletin-poster"),
    re_path(r"^b/(?P<short>[0-9a-z]{1,8})/$", bulletin_views.bulletin_short, name="bulletin-short"),
    path("decisions/", include("decisions.urls")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("exports/", include("spreadsheets.urls")),
    path("", include("centers.urls")),
    path("admin/", admin.site.urls),
]
