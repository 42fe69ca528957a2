"""Disputes: the list, registration (a grid worker's phone report, the service desk's intake) and each
transition of the case's state machine."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path


@login_required
def dispute_list(request):
    return HttpResponse("")


@login_required
def dispute_detail(request, pk: int):
    return HttpResponse("")


urlpatterns = [
    path("", dispute_list, name="dispute-list"),
    path("disputes/<int:pk>/", dispute_detail, name="dispute-detail"),
]
