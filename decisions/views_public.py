"""The public village-affairs bulletin (村务公开栏): no login, no personal data in clear (an objector's name
and phone are masked), readable on a phone and printable. Villagers file objections to a running posting."""

from __future__ import annotations

import string

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from audit.context import client_address
from core.forms import PageForm, query_values
from core.middleware import personal_data
from core.ratelimit import give_back, over_limit
from decisions import caching, selectors, services
from decisions.forms import FiledForm, PublicObjectionForm

ALPHABET = string.digits + string.ascii_lowercase
PER_PAGE = 20

# Objections filed online, counted per client address (one person flooding) and per posting (many
# addresses on one posting) over a window, as the proxy lookup counts its tries.
OBJECTION_ADDRESS_LIMIT = 5
OBJECTION_POSTING_LIMIT = 30
OBJECTION_WINDOW = 60 * 60  # seconds
OBJECTION_TOO_MANY = "提交过于频繁，请1小时后再试。如有急事，可直接向村务监督委员会反映。"


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
    # One number for the cache key and the page shown: a page cached under a key is the page that key names.
    number = query_values(PageForm(request.GET)).get("page") or 1
    if anonymous:
        key = caching.bulletin_page_key(region, str(number))
        html = cache.get(key)
        if html is not None:
            return _cacheable(request, HttpResponse(html), 60)
    page = Paginator(selectors.bulletin_matters(region=region), PER_PAGE).get_page(number)
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


def _objection_keys(disclosure_pk: int, address: str | None) -> list[tuple[str, int]]:
    return [
        (f"objection:addr:{address}", OBJECTION_ADDRESS_LIMIT),
        (f"objection:posting:{disclosure_pk}", OBJECTION_POSTING_LIMIT),
    ]


@personal_data
@require_http_methods(["GET", "POST"])
def bulletin_objection(request, code: str, pk: int):
    """A villager files an objection to a posting of the village's bulletin while its period runs (name and
    phone for the answer, shown masked). CSRF-protected like every form; never cached (it carries the token)."""
    disclosure = selectors.bulletin_disclosure(code=code, pk=pk)
    matter = disclosure.matter
    form = PublicObjectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        address = client_address(request)
        if over_limit(_objection_keys(disclosure.pk, address), OBJECTION_WINDOW):
            form.is_valid()  # the entries stay on the page
            form.add_error(None, OBJECTION_TOO_MANY)
            status = 429
        elif form.is_valid():
            try:
                services.objection_file_public(disclosure=disclosure, **form.cleaned_data)
            except ValidationError as exc:
                give_back(key for key, _ in _objection_keys(disclosure.pk, address))
                form.add_error(None, exc)
            else:
                return redirect(f"{request.path}?filed=1")
        else:
            give_back(key for key, _ in _objection_keys(disclosure.pk, address))
    today = timezone.localdate()
    response = render(
        request,
        "decisions/bulletin_objection.html",
        {
            "region": matter.village,
            "matter": matter,
            "disclosure": disclosure,
            "objections": selectors.bulletin_objections(disclosure=disclosure),
            "accepts": selectors.disclosure_accepts_objections(disclosure=disclosure, today=today),
            "filed": request.method == "GET" and query_values(FiledForm(request.GET)).get("filed", False),
            "form": form,
            "today": today,
        },
        status=status,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
