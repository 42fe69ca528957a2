from django.urls import path

from auditlog import views

app_name = "auditlog"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("logins/", views.auth_event_list, name="auth-event-list"),
]
