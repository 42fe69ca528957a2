"""The permission matrix's entries of centers (the service center system): the center and its building
standard, the county's lists, service items, proxy requests, duty shifts, and the public pages.

A side gets its village's center with a photo on a standard item, an item of its county's own list, a
service item its township made, a proxy request its person accepted, and today's shift (the side's
person on duty).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from centers.models import ChecklistItem, ProxyRequest, ServiceCenter, ServiceItem
from centers.services import (
    checklist_entry_update,
    checklist_item_create,
    proxy_request_accept,
    service_item_create,
    suggestion_submit,
)
from centers.services.duty import roster_set_day
from regions.models import Urging
from regions.selectors import county_of
from tests.conftest import png_bytes
from tests.permissions.engine import (
    BOTH,
    SCOPE,
    Ctx,
    Entry,
    Side,
    code_of,
    everyone,
    kwargs_of,
    logged_in,
    pk_of,
    row,
    to,
    to_url,
)

# Centers and checklist entries change through the portal's services; list rows are switched off, never deleted.
ADMIN_NO_ADD = {"centers.servicecenter", "centers.checklistentry"}
ADMIN_NO_DELETE = {
    "centers.servicecenter",
    "centers.checklistentry",
    "centers.roomtype",
    "centers.checklistitem",
    "centers.serviceitem",
}


def _county_item(side: Side) -> ChecklistItem:
    """The side's county's own checklist item (one per county: sides A and B share theirs)."""
    county = county_of(side.region)
    return ChecklistItem.objects.filter(region=county).first() or checklist_item_create(
        actor=None, region=county, category="县级自定", name=f"{county.name}自定项"
    )


def build_side(ctx: Ctx, side: Side) -> None:
    village, person = side.region, side.person
    item = (
        ChecklistItem.objects.filter(region__isnull=True, is_active=True).order_by("sort_order", "pk").first()
    )
    assert item is not None, "the standard checklist items (centers.standards) are missing"
    center = ServiceCenter.objects.get(region=village)
    entry = checklist_entry_update(
        actor=None,
        center=center,
        item=item,
        is_met=True,
        checked_on=None,
        note="",
        photo=SimpleUploadedFile("a.png", png_bytes(), "image/png"),
    )
    assert entry.photo
    service_item = service_item_create(
        actor=None,
        region=village.parent,
        name=f"{village.parent.name}事项{side.key}",
        category="其他",
        handling_way="proxy",
        office="党政办",
        materials="",
        promised_days=5,
        needs_id_number=False,
    )
    proxy_request = proxy_request_accept(
        actor=person,
        village=village,
        item=ServiceItem.objects.get(name="政策咨询", region__isnull=True),
        applicant_name="矩阵",
        applicant_phone="13800000000",
    )
    shift = roster_set_day(actor=None, village=village, day=timezone.localdate(), cadre=person)
    # A 督办 on the side's request, made directly (the service would refuse one on a request not overdue).
    urging = Urging.objects.create(
        content_type=ContentType.objects.get_for_model(ProxyRequest),
        object_id=proxy_request.pk,
        village=village,
        issued_by=person,
        issued_on=timezone.localdate(),
        message="请尽快办理",
    )
    suggestion = suggestion_submit(village=village, content="矩阵测试建议", phone="13900000000")
    side.add(
        suggestion=suggestion,
        center=center,
        checklist_item=item,
        photo_entry=entry,
        county_item=_county_item(side),
        service_item=service_item,
        proxy_request=proxy_request,
        shift=shift,
        urging=urging,
    )


VIEWS = row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)
# change_center scope: the grid worker and the county organization can view A1, not change it
CHANGES = row(302, (403, 404), SCOPE, SCOPE, SCOPE, (403, 404), BOTH)
CHANGES_REDIRECT = row(302, (403, 404), (302, 404), (302, 404), (302, 404), (403, 404), (302, 302))
# only the cadre on duty (the side's person, none of the roles) checks in and keeps the log
ON_DUTY = row(302, *[(403, 404)] * 5, (403, 403))
# manage_service_items scope: items a township (or county) made; nothing is in a village user's scope
MANAGES_ITEMS = row(302, 404, 404, SCOPE, SCOPE, SCOPE, BOTH)
MANAGES_ITEMS_REDIRECT = row(302, 404, 404, (302, 404), (302, 404), (302, 404), (302, 302))
SOMEWHERE = row(302, 403, 403, 200, 200, 200, 200)  # manage_service_items somewhere

ENTRIES: dict[str, Entry] = {
    # -- public ------------------------------------------------------------------------------
    "lookup": Entry("public", get=everyone(200), post=everyone(200)),
    "duty-today": Entry("public", kwargs=code_of("region"), get=everyone(200)),
    "service-catalog": Entry("public", kwargs=code_of("region"), get=everyone(200)),
    # an empty suggestion is refused on the page itself (200, nothing saved)
    "suggestion-new": Entry("public", kwargs=code_of("region"), get=everyone(200), post=everyone(200)),
    "suggestion-lookup": Entry("public", get=everyone(200), post=everyone(200)),
    # -- any logged-in user --------------------------------------------------------------------
    "centers:service-item-list": Entry("login", get=logged_in(200)),
    "centers:service-item-export": Entry("login", get=logged_in(200)),
    "centers:request-list": Entry("login", get=logged_in(200)),
    "centers:request-figures": Entry("login", get=logged_in(200)),
    "centers:request-materials": Entry("login", get=logged_in(200)),
    "centers:request-export": Entry("login", get=logged_in(405), post=logged_in(200)),
    "centers:duty-attendance": Entry("login", get=logged_in(200)),
    "centers:suggestion-list": Entry("login", get=logged_in(200)),
    "centers:suggestion-figures": Entry("login", get=logged_in(200)),
    # -- a permission held somewhere -------------------------------------------------------------
    # the rooms and standard items of a county: manage_center_lists (the county organization)
    "centers:center-lists": Entry("login", get=row(302, 403, 403, 403, 403, 200, 200)),
    # accepting needs change_center on a village: the grid worker and the county organization have none
    "centers:request-create": Entry("login", get=row(302, 403, 200, 200, 200, 403, 200)),
    "centers:service-item-create": Entry("login", get=SOMEWHERE),
    "centers:service-item-import": Entry("login", get=SOMEWHERE),
    # -- view scope ----------------------------------------------------------------------------
    "centers:center-detail": Entry("scoped", kwargs=pk_of("center"), get=VIEWS),
    "centers:center-history": Entry("scoped", kwargs=pk_of("center"), get=VIEWS),
    "centers:checklist-photo": Entry("scoped", kwargs=pk_of("photo_entry"), get=VIEWS, image=True),
    "centers:request-detail": Entry("scoped", kwargs=pk_of("proxy_request"), get=VIEWS),
    "centers:request-receipt": Entry("scoped", kwargs=pk_of("proxy_request"), get=VIEWS),
    "centers:duty-roster": Entry("scoped", kwargs=code_of("region"), get=VIEWS),
    "centers:suggestion-detail": Entry("scoped", kwargs=pk_of("suggestion"), get=VIEWS),
    # -- change_center scope -------------------------------------------------------------------
    "centers:center-edit": Entry("scoped", kwargs=pk_of("center"), get=CHANGES),
    "centers:checklist-entry-edit": Entry(
        "scoped", kwargs=kwargs_of(pk="center", item_pk="checklist_item"), get=CHANGES
    ),
    # an empty transition is refused with the form's errors on the request's page
    "centers:request-transition": Entry(
        "scoped",
        kwargs=pk_of("proxy_request"),
        get=logged_in(405),
        post=CHANGES_REDIRECT,
        location=to_url("centers:request-detail", pk="proxy_request"),
    ),
    "centers:request-reveal": Entry(
        "scoped", kwargs=pk_of("proxy_request"), get=logged_in(405), post=CHANGES
    ),
    # 督办: township leaders and organization members and the county organization (urge_village_work);
    # the matrix's request is not overdue, so a permitted POST is refused with a message on the request
    "centers:request-urge": Entry(
        "scoped",
        kwargs=pk_of("proxy_request"),
        get=logged_in(405),
        post=row(302, (403, 404), (403, 404), (302, 404), (302, 404), (302, 404), (302, 302)),
        location=to_url("centers:request-detail", pk="proxy_request"),
    ),
    # deciding on a 延期申请: the township's leader and organization member (approve_request_extension);
    # the county organization and village cadres see the request but may not decide (403). The matrix's
    # request has no pending extension, so a permitted POST is refused with a message on the request
    "centers:request-extension-decide": Entry(
        "scoped",
        kwargs=pk_of("proxy_request"),
        get=logged_in(405),
        post=row(302, (403, 404), (403, 404), (302, 404), (302, 404), (403, 404), (302, 302)),
        location=to_url("centers:request-detail", pk="proxy_request"),
    ),
    # answering a 督办: whoever handles the village's requests
    "centers:request-urging-answer": Entry(
        "scoped",
        kwargs=kwargs_of(pk="proxy_request", urging_pk="urging"),
        get=logged_in(405),
        post=CHANGES_REDIRECT,
        location=to_url("centers:request-detail", pk="proxy_request"),
    ),
    # answering a suggestion: whoever runs the village's center; an empty answer is refused on its page
    "centers:suggestion-answer": Entry(
        "scoped",
        kwargs=pk_of("suggestion"),
        get=logged_in(405),
        post=CHANGES_REDIRECT,
        location=to_url("centers:suggestion-detail", pk="suggestion"),
    ),
    "centers:suggestion-reveal": Entry(
        "scoped", kwargs=pk_of("suggestion"), get=logged_in(405), post=CHANGES
    ),
    # -- duty shifts: only the cadre on duty (403 for others who can see the shift) -------------------
    "centers:shift-check-in": Entry("scoped", kwargs=pk_of("shift"), get=logged_in(405), post=ON_DUTY),
    "centers:shift-check-out": Entry("scoped", kwargs=pk_of("shift"), get=logged_in(405), post=ON_DUTY),
    "centers:shift-log": Entry("scoped", kwargs=pk_of("shift"), get=logged_in(405), post=ON_DUTY),
    # -- manage_service_items scope ------------------------------------------------------------
    "centers:service-item-edit": Entry("scoped", kwargs=pk_of("service_item"), get=MANAGES_ITEMS),
    "centers:service-item-toggle": Entry(
        "scoped",
        kwargs=pk_of("service_item"),
        get=logged_in(405),
        post=MANAGES_ITEMS_REDIRECT,
        location=to("/service-items/"),
    ),
    # -- manage_center_lists scope: a county's own items; nothing is in a township or village user's scope
    "centers:list-entry-toggle": Entry(
        "scoped",
        kwargs=pk_of("county_item", kind="items"),
        get=logged_in(405),
        post=row(302, 404, 404, 404, 404, (302, 404), (302, 302)),
        location=to_url("centers:center-lists", query=lambda side: f"county={side.county_item.region.code}"),
    ),
}
