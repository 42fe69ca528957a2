"""A test-only URLconf: the site's pages plus one that fails, for the 500 page."""

from __future__ import annotations

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("test-broken/", broken), *site_urlpatterns]
