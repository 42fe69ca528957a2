"""The URLconf of the throughput run (bench/settings_production.py): the application's own, unchanged, plus a
bare page to compare its pages with.

``/__bench__/bare/<bytes>/`` is what any page of that size costs in this Django stack before the application
does anything: the whole middleware chain (with a session cookie also loading the session, saving it when
the session middleware does, and loading the user, as every signed-in page does), URL resolution and a
one-variable Django template rendered to exactly ``<bytes>`` bytes of HTML. No query of its own, no context processors, no application code. It is
listed after the application's patterns, so resolving the application's URLs costs what it costs without it.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as application_urlpatterns

SKELETON = (
    '<!DOCTYPE html>\n<html lang="zh-hans"><head><meta charset="utf-8"><title>bench</title></head>'
    "<body><main>{{ filler }}</main></body></html>\n"
)
MAX_BYTES = 5 * 2**20
_template = engines["django"].from_string(SKELETON)
_skeleton_bytes = len(SKELETON.replace("{{ filler }}", "").encode())
_fillers: dict[int, str] = {}


def filler(size: int) -> str:
    """ASCII text (nothing to escape, one byte a character) that makes the page ``size`` bytes long."""
    length = max(0, min(size, MAX_BYTES) - _skeleton_bytes)
    if length not in _fillers:
        words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
        _fillers[length] = (words * (length // len(words) + 1))[:length]
    return _fillers[length]


def bare(request, size: int):
    request.user.is_authenticated  # noqa: B018 -- loads the session and the user, as signed-in pages do
    return HttpResponse(_template.render({"filler": filler(size)}))


urlpatterns = [
    *application_urlpatterns,
    path("__bench__/bare/<int:size>/", bare, name="bench-bare"),
]
