"""The public service-item catalog of a village (服务事项清单 / 办事明白纸): no login, readable on a phone,
printable as a clean list or one 明白纸 per page ([002] "业务'流程图'、办事'明白纸'"; [004 宜昌] "公开…办理
条件、工作流程、承办人员及其联系方式")."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from centers import selectors
from centers.forms import CatalogForm
from centers.models import ServiceItem
from core import region_cache
from core.forms import query_values
from regions.models import Region
from regions.roles import Level
from regions.scoping import ALL_REGIONS

# Seconds a shared cache (or the browser) may keep the anonymous page; the server's copy goes stale at
# once when an item or the center's details change (core.region_cache).
PUBLIC_MAX_AGE = 300
CATALOG_TTL = 3600


def service_catalog(request, code: str):
    """Public (no login): the items in force at the village with their conditions, materials, steps,
    promised days and office, and the center's duty phone. ``?each=1`` prints one 明白纸 per page.

    Anonymous visitors (villagers scanning the poster, many at once) get HTML rendered once per village
    and variant, until a service item anywhere (the catalog's topic is global: a standard item applies
    everywhere) or the village's center changes; the version of both is in the cache key."""
    village = get_object_or_404(
        Region.objects.select_related("service_center", "parent"), code=code, level=Level.VILLAGE
    )
    each = query_values(CatalogForm(request.GET)).get("each", False)
    context = {
        "village": village,
        "center": getattr(village, "service_center", None),
        "each": each,
    }

    def page() -> str:
        return render_to_string(
            "centers/service_catalog.html",
            {**context, "items": selectors.catalog_items(village=village)},
            request=request,
        )

    if request.user.is_authenticated:
        # A signed-in page carries the user's name and menu: never shared.
        response = HttpResponse(page())
        patch_cache_control(response, private=True, max_age=0)
        return response
    name = region_cache.key("center", village, f"catalog:{int(each)}")
    html = region_cache.cached_for_scope(ServiceItem.cache_topic, ALL_REGIONS, name, page, ttl=CATALOG_TTL)
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response
