"""Two broken views for the fuzz test's self-check (tests/test_fuzz_inputs.py): one that parses a query
parameter by hand, one that writes and then refuses. Served only under ``override_settings(ROOT_URLCONF=...)``."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path

from notifications.models import Notification


def parses_by_hand(request):
    return HttpResponse(str(int(request.GET.get("page") or 1)))


def writes_then_refuses(request):
    Notification.objects.update(title="改过了")
    return HttpResponseBadRequest("refused")


urlpatterns = [
    path("planted/int/", parses_by_hand),
    path("planted/write/", writes_then_refuses),
]
