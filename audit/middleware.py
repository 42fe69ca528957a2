from __future__ import annotations

from pghistory.middleware import HistoryMiddleware

from audit.context import client_address


class AuditContextMiddleware(HistoryMiddleware):
    """pghistory's middleware plus the client address: every change in a request carries actor, url and IP."""

    def get_context(self, request) -> dict:
        context = super().get_context(request)
        context["ip"] = client_address(request)
        return context
