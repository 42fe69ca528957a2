from django.urls import path, re_path

from regions import views

app_name = "regions"

urlpatterns = [
    re_path(r"^regions/(?P<code>[0-9]{12})/$", views.region_detail, name="region-detail"),
    path("regions/search/", views.region_search, name="region-search"),
    path("regions/import/", views.region_import, name="region-import"),
    path("people/", views.people_list, name="people-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/import/", views.people_import, name="people-import"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/reset-password/", views.person_password_reset, name="person-password-reset"),
    path("posts/<int:pk>/end/", views.post_end, name="post-end"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_day_delete, name="calendar-day-delete"),
    path("settings/", views.county_settings, name="county-settings"),
]
