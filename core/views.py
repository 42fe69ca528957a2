from __future__ import annotations

from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """For the load balancer and compose's health check: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
