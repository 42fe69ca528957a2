"""The public village-affairs bulletin (村务公开栏): no login, no personal data, readable on a phone and printable."""

from __future__ import annotations

import string

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from decisions import caching, selectors

ALPHABET = string.digits + string.ascii_lowercase
PER_PAGE = 20


def short_code(code: str) -> str:
    """A region's division code in base 36: 8 characters instead of 12 digits, easy to type from a notice."""
    number, out = int(code), ""
    while number:
        number, digit = divmod(number, 36)
        out = ALPHABET[digit] + out
    return out or "0"


def code_of(short: str) -> str:
    try:
        number = int(short, 36)
    except ValueError as exc:
        raise Http404 from exc
    if not 0 < number < 10**12:
        raise Http404
    return f"{number:012d}"


def _cacheable(request, response, max_age: int):
    """Public to shared caches only when anonymous: a signed-in page carries the user's name."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=max_age)
    return response


def bulletin(request, code: str):
    region = selectors.bulletin_region(code=code)
    anonymous = not request.user.is_authenticated
    if anonymous:
        key = caching.bulletin_page_key(region, request.GET.get("page", "1")[:6])
        html = cache.get(key)
        if html is not None:
            return _cacheable(request, HttpResponse(html), 60)
    page = Paginator(selectors.bulletin_matters(region=region), PER_PAGE).get_page(request.GET.get("page"))
    selectors.bulletin_entries(page.object_list, timezone.localdate())
    short_url = request.build_absolute_uri(reverse("bulletin-short", args=[short_code(region.code)]))
    response = render(
        request,
        "decisions/bulletin.html",
        {"region": region, "page_obj": page, "short_url": short_url, "today": timezone.localdate()},
    )
    if anonymous:
        cache.set(key, response.content.decode(), caching.BULLETIN_TTL)
    return _cacheable(request, response, 60)


def bulletin_short(request, short: str):
    code = code_of(short)
    region = selectors.bulletin_region(code=code)
    return redirect("bulletin", code=region.code)


def bulletin_poster(request, code: str):
    """A sheet to print and post on the physical board: the short link and its QR code."""
    import segno

    region = selectors.bulletin_region(code=code)
    short_url = request.build_absolute_uri(reverse("bulletin-short", args=[short_code(region.code)]))
    return _cacheable(
        request,
        render(
            request,
            "decisions/bulletin_poster.html",
            {
                "region": region,
                "short_url": short_url,
                "qr_svg": segno.make(short_url, error="m").svg_inline(scale=6, dark="#222"),
            },
        ),
        3600,
    )
