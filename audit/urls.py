from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("logins/", views.auth_event_list, name="auth-event-list"),
    path("centers/<int:pk>/", views.center_history, name="center-history"),
]
