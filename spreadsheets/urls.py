from django.urls import path

from spreadsheets import views

app_name = "spreadsheets"

urlpatterns = [
    path("<int:pk>/", views.export_detail, name="export-detail"),
    path("<int:pk>/download/", views.export_download, name="export-download"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
]
