"""The permission matrix's entries of regions (the foundation): each role's home, regions, people and posts,
the county calendar and the county settings page.

A side gets a person with a post in its village (a 村两委成员, whom the systems' builders make act) and a
holiday in its county's calendar.
"""

from __future__ import annotations

from datetime import date

from regions.models import CalendarDay, Post
from regions.roles import Role
from regions.selectors import county_of
from regions.services import calendar_day_set
from tests.conftest import make_user
from tests.permissions.engine import (
    BOTH,
    SCOPE,
    Ctx,
    Entry,
    Side,
    code_of,
    logged_in,
    pk_of,
    row,
    to_url,
)

ADMIN_NO_ADD = {"regions.post", "regions.region"}  # posts change through the services, regions by import
ADMIN_NO_DELETE = {"regions.post", "regions.region"}

# Where "/" sends each role: the region of its post.
LANDING = {
    "village_a1_readonly": "village_a1",
    "village_a1_clerk": "village_a1",
    "township_a_officer": "township_a",
    "township_b_officer": "township_b",
    "county_admin": "county",
    "sysadmin": "county",
}


def build_side(ctx: Ctx, side: Side) -> None:
    person = make_user(f"person_{side.key.lower()}", Role.VILLAGE_COMMITTEE, side.region)
    holiday = calendar_day_set(
        actor=None,
        county=county_of(side.region),
        day=date(2026, 10, 1),
        kind=CalendarDay.Kind.HOLIDAY,
        name="国庆节",
    )
    side.add(person=person, post=Post.objects.get(user=person), calendar_day=holiday)


def _landing(c: Ctx, role: str, which: str, method: str) -> str:
    return getattr(c.world, LANDING[role]).get_absolute_url()


MANAGES_PEOPLE = row(302, 403, 403, 200, 200, 200, 200)  # MANAGE_PEOPLE somewhere: townships and the county
COUNTY_SETTINGS = row(302, 403, 403, 403, 403, 200, 200)  # MANAGE_COUNTY_SETTINGS: the county only

ENTRIES: dict[str, Entry] = {
    "home": Entry("login", get=logged_in(302), location=_landing),
    "regions:region-search": Entry("login", get=logged_in(200)),
    # -- a permission held somewhere -------------------------------------------------------------
    "regions:region-import": Entry("login", get=row(302, 403, 403, 403, 403, 200, 200)),
    "regions:people-list": Entry("login", get=MANAGES_PEOPLE),
    "regions:person-create": Entry("login", get=MANAGES_PEOPLE),
    "regions:people-import": Entry("login", get=MANAGES_PEOPLE),
    "regions:calendar": Entry("login", get=COUNTY_SETTINGS),
    "regions:county-settings": Entry("login", get=COUNTY_SETTINGS),
    # -- view scope ----------------------------------------------------------------------------
    "regions:region-detail": Entry(
        "scoped", kwargs=code_of("region"), get=row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)
    ),
    # -- manage_people scope: nothing is in a village user's scope --------------------------------
    "regions:person-detail": Entry(
        "scoped", kwargs=pk_of("person"), get=row(302, 404, 404, SCOPE, SCOPE, SCOPE, BOTH)
    ),
    "regions:person-password-reset": Entry(
        "scoped",
        kwargs=pk_of("person"),
        get=logged_in(405),
        post=row(302, 404, 404, SCOPE, SCOPE, SCOPE, BOTH),
    ),
    "regions:post-end": Entry(
        "scoped",
        kwargs=pk_of("post"),
        get=logged_in(405),
        post=row(302, 404, 404, (302, 404), (302, 404), (302, 404), (302, 302)),
        location=to_url("regions:person-detail", pk="person"),
    ),
    # -- manage_county_settings scope: a county's calendar ---------------------------------------
    "regions:calendar-day-delete": Entry(
        "scoped",
        kwargs=pk_of("calendar_day"),
        get=logged_in(405),
        post=row(302, 404, 404, 404, 404, (302, 404), (302, 302)),
        location=to_url(
            "regions:calendar",
            query=lambda side: f"county={side.calendar_day.county.code}&year={side.calendar_day.date.year}",
        ),
    ),
}
