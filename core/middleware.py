"""Response headers that protect personal data on the way out."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.cache import patch_cache_control


def personal_data(view: Callable) -> Callable:
    """Marks a public view whose answers may show a person's data (a lookup result, a form echoing a name
    or phone): NoStoreMiddleware keeps them out of every cache, as it does every signed-in page."""
    view.personal_data = True
    return view


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in user and on every view marked with
    ``personal_data``: nothing a cadre saw (names, masked or revealed phone and ID numbers, exports) stays
    in the browser's cache or history of a shared service-center PC, or in a proxy, after they leave.

    Signed-in pages are covered whatever they show, so a new page cannot forget it; public pages without the
    marker (the bulletin, the catalog) keep their own public caching. Must come after the authentication
    middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(request, "_personal_data", False) or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True, max_age=0)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        if getattr(view_func, "personal_data", False):
            request._personal_data = True
