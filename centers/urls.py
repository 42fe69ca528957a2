from django.urls import path, re_path

from centers.views import catalog, center, duty, requests, service_items, suggestions

app_name = "centers"

urlpatterns = [
    path("centers/<int:pk>/", center.center_detail, name="center-detail"),
    path("centers/<int:pk>/edit/", center.center_edit, name="center-edit"),
    path("centers/<int:pk>/history/", center.center_history, name="center-history"),
    path(
        "centers/<int:pk>/checklist/<int:item_pk>/", center.checklist_entry_edit, name="checklist-entry-edit"
    ),
    path("checklist-photos/<int:pk>/", center.checklist_photo, name="checklist-photo"),
    path("center-lists/", center.center_lists, name="center-lists"),
    re_path(
        r"^center-lists/(?P<kind>rooms|items)/(?P<pk>[0-9]+)/toggle/$",
        center.list_entry_toggle,
        name="list-entry-toggle",
    ),
    path("service-items/", service_items.service_item_list, name="service-item-list"),
    path("service-items/export/", service_items.service_item_export, name="service-item-export"),
    path("service-items/new/", service_items.service_item_create, name="service-item-create"),
    path("service-items/import/", service_items.service_item_import, name="service-item-import"),
    path("service-items/<int:pk>/edit/", service_items.service_item_edit, name="service-item-edit"),
    path("service-items/<int:pk>/toggle/", service_items.service_item_toggle, name="service-item-toggle"),
    path("requests/", requests.request_list, name="request-list"),
    path("requests/new/", requests.request_create, name="request-create"),
    path("requests/export/", requests.request_export, name="request-export"),
    path("requests/figures/", requests.request_figures, name="request-figures"),
    path("requests/materials/", requests.request_materials, name="request-materials"),
    path("requests/<int:pk>/", requests.request_detail, name="request-detail"),
    path("requests/<int:pk>/transition/", requests.request_transition, name="request-transition"),
    path("requests/<int:pk>/reveal/", requests.request_reveal, name="request-reveal"),
    path("requests/<int:pk>/extension/", requests.request_extension_decide, name="request-extension-decide"),
    path("requests/<int:pk>/urge/", requests.request_urge, name="request-urge"),
    path(
        "requests/<int:pk>/urgings/<int:urging_pk>/answer/",
        requests.request_urging_answer,
        name="request-urging-answer",
    ),
    path("requests/<int:pk>/receipt/", requests.request_receipt, name="request-receipt"),
    path("duty/shifts/<int:pk>/check-in/", duty.shift_check_in, name="shift-check-in"),
    path("duty/shifts/<int:pk>/check-out/", duty.shift_check_out, name="shift-check-out"),
    path("duty/shifts/<int:pk>/log/", duty.shift_log, name="shift-log"),
    re_path(r"^duty/(?P<code>[0-9]{12})/roster/$", duty.roster, name="duty-roster"),
    path("duty/attendance/", duty.attendance, name="duty-attendance"),
    path("suggestions/", suggestions.suggestion_list, name="suggestion-list"),
    path("suggestions/figures/", suggestions.suggestion_figures, name="suggestion-figures"),
    path("suggestions/<int:pk>/", suggestions.suggestion_detail, name="suggestion-detail"),
    path("suggestions/<int:pk>/answer/", suggestions.suggestion_answer, name="suggestion-answer"),
    path("suggestions/<int:pk>/reveal/", suggestions.suggestion_reveal, name="suggestion-reveal"),
]

# Public pages (no login), mounted at the root by config/urls.py.
public_urlpatterns = [
    path("lookup/", requests.lookup, name="lookup"),
    re_path(r"^duty/(?P<code>[0-9]{12})/today/$", duty.today_public, name="duty-today"),
    re_path(r"^catalog/(?P<code>[0-9]{12})/$", catalog.service_catalog, name="service-catalog"),
    re_path(r"^suggest/(?P<code>[0-9]{12})/$", suggestions.suggestion_new, name="suggestion-new"),
    path("suggest/answer/", suggestions.suggestion_lookup, name="suggestion-lookup"),
]
