from django.urls import path, re_path

from centers import views, views_catalog, views_duty, views_requests

app_name = "centers"

urlpatterns = [
    re_path(r"^regions/(?P<code>\d{12})/$", views.region_detail, name="region-detail"),
    path("regions/search/", views.region_search, name="region-search"),
    path("regions/import/", views.region_import, name="region-import"),
    path("centers/<int:pk>/", views.center_detail, name="center-detail"),
    path("centers/<int:pk>/edit/", views.center_edit, name="center-edit"),
    path("centers/<int:pk>/checklist/<int:item_pk>/", views.checklist_entry_edit, name="checklist-entry-edit"),
    path("checklist-photos/<int:pk>/", views.checklist_photo, name="checklist-photo"),
    path("people/", views.people_list, name="people-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/import/", views.people_import, name="people-import"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/reset-password/", views.person_password_reset, name="person-password-reset"),
    path("posts/<int:pk>/end/", views.post_end, name="post-end"),
    path("catalog/", views.catalog, name="catalog"),
    path("service-items/", views_catalog.service_item_list, name="service-item-list"),
    path("service-items/export/", views_catalog.service_item_export, name="service-item-export"),
    path("service-items/new/", views_catalog.service_item_create, name="service-item-create"),
    path("service-items/import/", views_catalog.service_item_import, name="service-item-import"),
    path("service-items/<int:pk>/edit/", views_catalog.service_item_edit, name="service-item-edit"),
    path("service-items/<int:pk>/toggle/", views_catalog.service_item_toggle, name="service-item-toggle"),
    path("requests/", views_requests.request_list, name="request-list"),
    path("requests/new/", views_requests.request_create, name="request-create"),
    path("requests/materials/", views_requests.request_materials, name="request-materials"),
    path("requests/<int:pk>/", views_requests.request_detail, name="request-detail"),
    path("requests/<int:pk>/step/", views_requests.request_step, name="request-step"),
    path("requests/<int:pk>/reveal/", views_requests.request_reveal, name="request-reveal"),
    path("requests/<int:pk>/receipt/", views_requests.request_receipt, name="request-receipt"),
    path("duty/shifts/<int:pk>/check-in/", views_duty.shift_check_in, name="shift-check-in"),
    path("duty/shifts/<int:pk>/check-out/", views_duty.shift_check_out, name="shift-check-out"),
    path("duty/shifts/<int:pk>/log/", views_duty.shift_log, name="shift-log"),
    re_path(r"^duty/(?P<code>\d{12})/roster/$", views_duty.roster, name="duty-roster"),
    path("duty/attendance/", views_duty.attendance, name="duty-attendance"),
    path("calendar/", views_catalog.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", views_catalog.calendar_day_delete, name="calendar-day-delete"),
    re_path(r"^catalog/(?P<kind>rooms|items)/(?P<pk>\d+)/toggle/$", views.catalog_entry_toggle,
            name="catalog-entry-toggle"),
]
