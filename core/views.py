from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from core.health import health


@never_cache
def healthz(request):
    """For the load balancer and compose's health check: 200 while pages can be served (the database
    answers), with the database, the cache and the broker each reported in the body; 503 otherwise."""
    serving, parts = health()
    return JsonResponse(parts, status=200 if serving else 503)
