"""The permission matrix: every URL pattern of the project, for every role, on an object in and out of scope.

Rules enforced here (the project's access design):

* every URL pattern has an entry: a pattern without one, or an entry without a pattern, fails the suite;
* an object outside the user's scope answers 404, never 403, so ids don't leak;
* 403 only for an object the user can see but may not act on, or for a page needing a permission
  the user holds nowhere;
* anonymous users are redirected (302) to /accounts/login/?next=...; public pages say ``kind="public"``;
* POST-only endpoints answer 405 to GET;
* the Django admin: anonymous and non-staff users are redirected to the admin login; the superuser
  gets each page, except what a model's admin forbids (403).

The world is built once for the module inside an outer transaction; each case runs in its own
savepoint (pytest-django's ``db``), so state-changing POSTs don't leak between cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote as admin_quote
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from centers.models import (
    CalendarDay,
    ChecklistEntry,
    ChecklistItem,
    DutyShift,
    Post,
    ProxyRequest,
    Region,
    ServiceCenter,
    ServiceItem,
)
from centers.roles import Role
from centers.services import checklist_entry_update, proxy_request_accept, regions_import
from decisions import services as decision_services
from decisions.models import (
    BODIES_OF_STEP,
    MEETING_STEPS,
    BoardPhoto,
    DecisionRules,
    Disclosure,
    Matter,
    MatterCategory,
    Meeting,
    MeetingAttachment,
    Objection,
)
from decisions.views_public import short_code
from notifications.models import Notification, Reminder
from spreadsheets.models import ExportJob
from tests.conftest import World, build_world, make_user, png_bytes, rows_of

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "village_a1_readonly",
    "village_a1_clerk",
    "township_a_officer",
    "township_b_officer",
    "county_admin",
    "sysadmin",
)

# A second county, so that the county administrator has something out of scope too.
OTHER_COUNTY = [
    ("419902000000", "邻县"),
    ("419902101000", "东关镇"),
    ("419902101201", "王庄村"),
]

# Which side of the world is "in scope" and which is "out of scope" for each role.
# A: village A1 (township A); B: village B1 (township B); C: a village of the other county.
IN_OUT = {
    "anonymous": ("A", "B"),
    "village_a1_readonly": ("A", "B"),
    "village_a1_clerk": ("A", "B"),
    "township_a_officer": ("A", "B"),
    "township_b_officer": ("B", "A"),
    "county_admin": ("A", "C"),
    "sysadmin": ("A", "C"),  # a superuser sees everything: "out" is still in scope
}


# ---------------------------------------------------------------------------------------------
# The world, built once per module
# ---------------------------------------------------------------------------------------------


@dataclass
class Side:
    region: Region
    center: ServiceCenter
    photo_entry: ChecklistEntry
    person: User  # someone with a post in this side's village
    post: Post
    county_item: ChecklistItem  # a checklist item of this side's county's own list
    service_item: ServiceItem  # a service item made by this side's township
    calendar_day: CalendarDay  # a holiday in this side's county's calendar
    proxy_request: ProxyRequest  # a request accepted in this side's village
    shift: DutyShift  # today's shift of this side's village (the side's person is on duty)
    # 四议两公开: a matter of this side's village, resolved (meetings in the past) and its resolution
    # posted today, so it stays at 决议公开 while the period runs
    matter: Matter
    meeting: Meeting  # the resolution meeting, with a paper
    attachment: MeetingAttachment
    disclosure: Disclosure  # the resolution's posting, with a board photo and an objection
    board_photo: BoardPhoto
    objection: Objection  # not answered yet
    township_category: MatterCategory  # a category this side's township added


@dataclass
class Ctx:
    world: World
    sides: dict[str, Side]
    item: ChecklistItem
    own_notification: dict[str, Notification]  # by role
    other_notification: Notification  # belongs to nobody in ROLES
    landing: dict[str, str]  # by role: where "/" sends the user
    own_job: dict[str, ExportJob]  # by role: a finished export of the user's
    other_job: ExportJob  # someone else's

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self.world, role)

    def side(self, role: str, which: str) -> Side:
        return self.sides[IN_OUT[role][0 if which == "in" else 1]]


def _build_world() -> Ctx:
    world = build_world()
    regions_import(rows=rows_of(OTHER_COUNTY))
    r = {region.code: region for region in Region.objects.all()}
    county, ta, tb = world.county, world.township_a, world.township_b
    a1, b1, c1 = world.village_a1, world.village_b1, r["419902101201"]
    item = ChecklistItem.objects.filter(county__isnull=True, is_active=True).order_by("sort_order", "pk").first()
    assert item is not None, "the standard checklist items (migration centers 0002) are missing"

    county_items = {
        prefix: ChecklistItem.objects.create(county=r[code], category="县级自定", name=f"{r[code].name}自定项")
        for prefix, code in (("419901", "419901000000"), ("419902", "419902000000"))}
    sides = {}
    for key, village in (("A", a1), ("B", b1), ("C", c1)):
        center = ServiceCenter.objects.get(region=village)
        entry = checklist_entry_update(
            actor=None, center=center, item=item, is_met=True, checked_on=None, note="",
            photo=SimpleUploadedFile("a.png", png_bytes(), "image/png"))
        assert entry.photo
        person = make_user(f"person_{key.lower()}", Role.VILLAGE_COMMITTEE, village)
        service_item = ServiceItem.objects.create(region=village.parent, name=f"{village.parent.name}事项{key}",
                                                  category="其他", handling_way="proxy", office="党政办",
                                                  promised_days=5)
        holiday, _ = CalendarDay.objects.get_or_create(county=Region.objects.get(prefix=village.prefix[:6]),
                                                       date=date(2026, 10, 1), defaults={"kind": "holiday"})
        proxy_request = proxy_request_accept(
            actor=person, village=village, item=ServiceItem.objects.get(name="政策咨询", region__isnull=True),
            applicant_name="矩阵", applicant_phone="13800000000")
        shift = DutyShift.objects.create(village=village, date=timezone.localdate(), cadre=person)
        decision = _decided_matter(village, person)
        township_category = decision_services.category_create(actor=None, region=village.parent,
                                                              name=f"{village.parent.name}自定事项")
        sides[key] = Side(region=village, center=center, photo_entry=entry, person=person,
                          post=Post.objects.get(user=person), county_item=county_items[village.code[:6]],
                          service_item=service_item, calendar_day=holiday, proxy_request=proxy_request,
                          shift=shift, **decision, township_category=township_category)

    own = {role: Notification.objects.create(recipient=getattr(world, role), kind="matrix", title=f"给{role}")
           for role in ROLES if role != "anonymous"}
    own["anonymous"] = own["village_a1_clerk"]
    other = Notification.objects.create(recipient=sides["C"].person, kind="matrix", title="给别人")

    landing = {
        "village_a1_readonly": a1.get_absolute_url(),
        "village_a1_clerk": a1.get_absolute_url(),
        "township_a_officer": ta.get_absolute_url(),
        "township_b_officer": tb.get_absolute_url(),
        "county_admin": county.get_absolute_url(),
        "sysadmin": county.get_absolute_url(),
    }

    # One object of every admin-registered model, for the admin's object pages.
    _admin_objects(world, sides)
    def finished_job(user) -> ExportJob:
        job = ExportJob.objects.create(user=user, kind="proxy_requests", title="代办登记簿", status="done")
        job.file.save(f"matrix-{user.pk}.xlsx", ContentFile(b"PK"), save=True)
        return job

    own_job = {role: finished_job(getattr(world, role)) for role in ROLES if role != "anonymous"}
    own_job["anonymous"] = own_job["village_a1_clerk"]
    return Ctx(world=world, sides=sides, item=item, own_notification=own, other_notification=other,
               landing=landing, own_job=own_job, other_job=finished_job(sides["C"].person))


def _decided_matter(village: Region, person: User) -> dict:
    """A matter taken through the four meetings (three days ago) and its resolution posted today, by the
    side's person (a 村两委成员, who manages the village's matters); with a meeting paper, a board photo
    and an objection received during the period."""
    ds = decision_services
    today = timezone.localdate()
    ds.roster_record(actor=None, village=village, valid_from=today - timedelta(days=400), counts=ds.RosterCounts(
        branch_committee=5, party_members=41, committee_members=7, representatives=30, adults=900,
        households=300))
    matter = ds.matter_register(
        actor=person, village=village, category=MatterCategory.objects.get(name="公益事业兴办和筹资筹劳"),
        title=f"{village.name}修建文化广场", content="在村东头空地修建文化广场。", estimated_amount=None,
        proposed_by="村党组织")
    roster = ds.roster_on(village=village, day=today)
    held_on = today - timedelta(days=3)
    for step in MEETING_STEPS:
        body = BODIES_OF_STEP[step][0]
        matter.refresh_from_db()
        entitled = roster.entitled_for(body)
        meeting = ds.meeting_record(actor=person, matter=matter, version=matter.version, data=ds.MeetingInput(
            step=step, body=body, held_on=held_on, place="村委会会议室", chair="王书记", recorder="李会计",
            entitled=entitled, present=entitled, votes_for=entitled, minutes="一致通过。"))
        assert meeting.passed, step
    attachment = ds.attachment_add(actor=person, meeting=meeting, kind="attendance",
                                   uploaded=SimpleUploadedFile("sign.png", png_bytes(), "image/png"))
    matter.refresh_from_db()
    disclosure = ds.disclosure_post(
        actor=person, matter=matter, version=matter.version, kind=Disclosure.Kind.RESOLUTION,
        data=ds.DisclosureInput(text="决议：修建文化广场。", posted_on=today),
        board_photo=SimpleUploadedFile("board.png", png_bytes(), "image/png"))
    objection = ds.objection_record(actor=person, disclosure=disclosure, received_on=today, summary="选址有意见")
    matter.refresh_from_db()
    assert matter.is_open and matter.step == "resolution_disclosure", matter.step
    return {"matter": matter, "meeting": meeting, "attachment": attachment, "disclosure": disclosure,
            "board_photo": disclosure.board_photos.get(), "objection": objection}


def _admin_objects(world: World, sides: dict[str, Side]) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from audit.models import AuthEvent

    Group.objects.create(name="矩阵测试组")
    access = {"user_agent": "matrix", "ip_address": "127.0.0.1", "username": "someone", "http_accept": "*/*",
              "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.SECONDS)
    ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(days=1))
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=34.75, longitude=113.62)
    PeriodicTask.objects.create(name="矩阵测试任务", task="centers.tasks.nothing", interval=interval)
    Reminder.objects.create(content_type=ContentType.objects.get_for_model(ServiceCenter),
                            object_id=sides["A"].center.pk, kind="checklist_unmet",
                            due_date=timezone.localdate(), recipient=world.village_a1_clerk)
    AuthEvent.objects.create(kind=AuthEvent.Kind.LOGIN, user=world.village_a1_clerk, username="village_a1_clerk",
                             ip_address="127.0.0.1")
    decision_services.rules_update(actor=None, county=world.county, disclosure_days=7, resolution_within_days=60,
                                   record_within_days=7, stuck_days=30)
    assert DecisionRules.objects.exists() and Matter.objects.exists()


@pytest.fixture(scope="module")
def ctx(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root():
    """Overrides the conftest's per-test MEDIA_ROOT: the module's photos live in the module's directory."""
    yield


# ---------------------------------------------------------------------------------------------
# Enumerating the URL patterns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "ns:name", or "ns:[route]" for a pattern without a name
    route: str  # the full route, prefixes joined
    callback: Callable


def _walk(patterns, namespaces=(), prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespaces + ((p.namespace,) if p.namespace else ())
            yield from _walk(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = p.name or f"[{route}]"
            yield Pattern(key=":".join((*namespaces, name)), route=route, callback=p.callback)


def url_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


# ---------------------------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------------------------

Cell = tuple[int, int]  # (object in scope, object out of scope); the same twice where no object is involved
KwargsFn = Callable[[Ctx, str, str], dict]  # (ctx, role, "in" | "out") -> URL kwargs
LocationFn = Callable[[Ctx, str, str, str], "str | None"]  # (ctx, role, "in" | "out", method) -> Location


@dataclass(frozen=True)
class Entry:
    kind: str  # "public", "login" (login required, no object), "scoped" (an object in/out of scope), "admin"
    get: dict[str, Cell]
    post: dict[str, Cell] | None = None  # POST-only endpoints: what a POST answers
    kwargs: KwargsFn | None = None
    url: Callable[[Ctx, str, str], str] | None = None  # for patterns without a name
    location: LocationFn | None = None  # expected Location of redirects other than the login redirects


def row(*cells) -> dict[str, Cell]:
    """One expectation per role, in ROLES order; an int means the same status in and out of scope."""
    assert len(cells) == len(ROLES)
    return {role: c if isinstance(c, tuple) else (c, c) for role, c in zip(ROLES, cells, strict=True)}


def everyone(status: int) -> dict[str, Cell]:
    return row(*[status] * len(ROLES))


def logged_in(status) -> dict[str, Cell]:
    """Anonymous users are sent to the login page; every logged-in role gets ``status``."""
    return row(302, *[status] * (len(ROLES) - 1))


SCOPE = (200, 404)  # in scope / out of scope
BOTH = (200, 200)  # the superuser: the "out" object is in its scope too


def region_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"code": c.side(role, which).region.code}


def center_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).center.pk}


def checklist_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).center.pk, "item_pk": c.item.pk}


def photo_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).photo_entry.pk}


def person_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).person.pk}


def post_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).post.pk}


def county_item_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"kind": "items", "pk": c.side(role, which).county_item.pk}


def service_item_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).service_item.pk}


def calendar_day_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).calendar_day.pk}


def request_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).proxy_request.pk}


def shift_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).shift.pk}


def job_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": (c.own_job[role] if which == "in" else c.other_job).pk}


def notification_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": (c.own_notification[role] if which == "in" else c.other_notification).pk}


def to(path: str) -> LocationFn:
    return lambda c, role, which, method: path


def short_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"short": short_code(c.side(role, which).region.code)}


def matter_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).matter.pk}


def meeting_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).meeting.pk}


def attachment_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).attachment.pk}


def disclosure_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).disclosure.pk}


def board_photo_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).board_photo.pk}


def objection_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).objection.pk}


def category_kwargs(c: Ctx, role: str, which: str) -> dict:
    return {"pk": c.side(role, which).township_category.pk}


def to_matter(c: Ctx, role: str, which: str, method: str) -> str:
    """The side's matter page: where the matter's actions (and refusals of the wrong step) send the user."""
    return c.side(role, which).matter.get_absolute_url()


# Who manages a village's matters: its own cadres (the clerk, for A1) and the system administrator;
# everyone else who can view the matter may not act on it (403), and out of scope it does not exist (404).
MANAGES = row(302, (403, 404), SCOPE, (403, 404), (403, 404), (403, 404), BOTH)
MANAGES_REDIRECT = row(302, (403, 404), (302, 404), (403, 404), (403, 404), (403, 404), (302, 302))
VIEWS = row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)


APP_ENTRIES: dict[str, Entry] = {
    # -- public ------------------------------------------------------------------------------
    "healthz": Entry("public", get=everyone(200)),
    "lookup": Entry("public", get=everyone(200)),
    "duty-today": Entry("public", kwargs=region_kwargs, get=everyone(200)),
    # the village-affairs bulletin (村务公开栏) of a village (or township), its poster and its short link
    "bulletin": Entry("public", kwargs=region_kwargs, get=everyone(200)),
    "bulletin-poster": Entry("public", kwargs=region_kwargs, get=everyone(200)),
    "bulletin-short": Entry("public", kwargs=short_kwargs, get=everyone(302),
                            location=lambda c, role, which, method: reverse("bulletin", kwargs=region_kwargs(
                                c, role, which))),
    "accounts:login": Entry("public", get=row(200, 302, 302, 302, 302, 302, 302), location=to("/")),
    "accounts:logout": Entry("public", get=everyone(405), post=everyone(302), location=to("/accounts/login/")),
    # -- any logged-in user --------------------------------------------------------------------
    "accounts:password-change": Entry("login", get=logged_in(200)),
    "home": Entry("login", get=logged_in(302), location=lambda c, role, which, method: c.landing[role]),
    "centers:region-search": Entry("login", get=logged_in(200)),
    "notifications:list": Entry("login", get=logged_in(200)),
    "notifications:bell": Entry("login", get=logged_in(200)),
    "notifications:read-all": Entry("login", get=logged_in(405), post=logged_in(302),
                                    location=to("/notifications/")),
    "notifications:read": Entry("scoped", kwargs=notification_kwargs, get=logged_in(405),
                                post=logged_in((302, 404)), location=to("/notifications/")),
    # -- a permission held somewhere -------------------------------------------------------------
    "centers:region-import": Entry("login", get=row(302, 403, 403, 403, 403, 200, 200)),
    "centers:people-list": Entry("login", get=row(302, 403, 403, 200, 200, 200, 200)),
    "centers:person-create": Entry("login", get=row(302, 403, 403, 200, 200, 200, 200)),
    "centers:people-import": Entry("login", get=row(302, 403, 403, 200, 200, 200, 200)),
    "centers:catalog": Entry("login", get=row(302, 403, 403, 403, 403, 200, 200)),
    "centers:calendar": Entry("login", get=row(302, 403, 403, 403, 403, 200, 200)),
    "centers:service-item-list": Entry("login", get=logged_in(200)),
    "centers:request-list": Entry("login", get=logged_in(200)),
    "centers:duty-attendance": Entry("login", get=logged_in(200)),
    "centers:request-figures": Entry("login", get=logged_in(200)),
    "centers:request-export": Entry("login", get=logged_in(405), post=logged_in(200)),
    "spreadsheets:export-detail": Entry("scoped", kwargs=job_kwargs, get=logged_in((200, 404))),
    "spreadsheets:export-download": Entry("scoped", kwargs=job_kwargs, get=logged_in((200, 404))),
    "centers:request-materials": Entry("login", get=logged_in(200)),
    # accepting needs change_center on a village: the grid worker and the county organization have none
    "centers:request-create": Entry("login", get=row(302, 403, 200, 200, 200, 403, 200)),
    "centers:service-item-export": Entry("login", get=logged_in(200)),
    "centers:service-item-create": Entry("login", get=row(302, 403, 403, 200, 200, 200, 200)),
    "centers:service-item-import": Entry("login", get=row(302, 403, 403, 200, 200, 200, 200)),
    "audit:event-list": Entry("login", get=row(302, 403, 403, 403, 403, 200, 200)),
    "audit:auth-event-list": Entry("login", get=row(302, 403, 403, 403, 403, 200, 200)),
    # -- democratic decisions (四议两公开) ---------------------------------------------------------
    "decisions:matter-list": Entry("login", get=logged_in(200)),
    "decisions:oversight": Entry("login", get=logged_in(200)),
    # registering needs manage_decisions on a village: only the village's cadres and the system administrator
    "decisions:matter-create": Entry("login", get=row(302, 403, 200, 403, 403, 403, 200)),
    # categories: county and township administrators; the rules: manage_catalog (the county)
    "decisions:categories": Entry("login", get=row(302, 403, 403, 200, 200, 200, 200)),
    "decisions:rules": Entry("login", get=row(302, 403, 403, 403, 403, 200, 200)),
    # a township's own category: in the scope of its township's and county's administrators only
    "decisions:category-toggle": Entry("scoped", kwargs=category_kwargs, get=logged_in(405),
                                       post=row(302, 404, 404, (302, 404), (302, 404), (302, 404), (302, 302)),
                                       location=to("/decisions/categories/")),
    # view scope reads a matter, its record book, its papers and photos, a village's roster and record book
    "decisions:matter-detail": Entry("scoped", kwargs=matter_kwargs, get=VIEWS),
    "decisions:matter-record": Entry("scoped", kwargs=matter_kwargs, get=VIEWS),
    "decisions:attachment-file": Entry("scoped", kwargs=attachment_kwargs, get=VIEWS),
    "decisions:board-photo-file": Entry("scoped", kwargs=board_photo_kwargs, get=VIEWS),
    "decisions:roster": Entry("scoped", kwargs=region_kwargs, get=VIEWS),
    "decisions:record-book": Entry("scoped", kwargs=region_kwargs, get=VIEWS),
    # manage_decisions scope acts; the matter is at 决议公开 with its resolution posted, so neither a
    # meeting nor a posting is due: a manager's GET is sent back to the matter
    "decisions:meeting-create": Entry("scoped", kwargs=matter_kwargs, get=MANAGES_REDIRECT, location=to_matter),
    "decisions:disclosure-create": Entry("scoped", kwargs=matter_kwargs, get=MANAGES_REDIRECT, location=to_matter),
    "decisions:amendment-create": Entry("scoped", kwargs=disclosure_kwargs, get=MANAGES),
    # POST-only actions: an empty form (or a matter that was not rejected) is refused with a message on the
    # matter's page
    "decisions:matter-repropose": Entry("scoped", kwargs=matter_kwargs, get=logged_in(405), post=MANAGES_REDIRECT,
                                        location=to_matter),
    "decisions:attachment-add": Entry("scoped", kwargs=meeting_kwargs, get=logged_in(405), post=MANAGES_REDIRECT,
                                      location=to_matter),
    "decisions:board-photo-add": Entry("scoped", kwargs=disclosure_kwargs, get=logged_in(405),
                                       post=MANAGES_REDIRECT, location=to_matter),
    "decisions:objection-create": Entry("scoped", kwargs=disclosure_kwargs, get=logged_in(405),
                                        post=MANAGES_REDIRECT, location=to_matter),
    "decisions:objection-answer": Entry("scoped", kwargs=objection_kwargs, get=logged_in(405),
                                        post=MANAGES_REDIRECT, location=to_matter),
    # supervise_decisions: the village's supervision committee, which no role here holds but the superuser
    "decisions:opinion-create": Entry("scoped", kwargs=matter_kwargs, get=logged_in(405),
                                      post=row(302, *[(403, 404)] * 5, (302, 302)), location=to_matter),
    # -- view scope ----------------------------------------------------------------------------
    "centers:region-detail": Entry("scoped", kwargs=region_kwargs, get=row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)),
    "centers:center-detail": Entry("scoped", kwargs=center_kwargs, get=row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)),
    "centers:checklist-photo": Entry("scoped", kwargs=photo_kwargs, get=row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)),
    "audit:center-history": Entry("scoped", kwargs=center_kwargs, get=row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)),
    # -- change_center scope: the grid worker and the county organization can view A1, not edit it ---
    "centers:center-edit": Entry("scoped", kwargs=center_kwargs,
                                 get=row(302, (403, 404), SCOPE, SCOPE, SCOPE, (403, 404), BOTH)),
    "centers:checklist-entry-edit": Entry("scoped", kwargs=checklist_kwargs,
                                          get=row(302, (403, 404), SCOPE, SCOPE, SCOPE, (403, 404), BOTH)),
    # -- manage_people scope: nothing is in a village user's scope --------------------------------
    "centers:person-detail": Entry("scoped", kwargs=person_kwargs, get=row(302, 404, 404, SCOPE, SCOPE, SCOPE, BOTH)),
    "centers:person-password-reset": Entry("scoped", kwargs=person_kwargs, get=logged_in(405),
                                           post=row(302, 404, 404, SCOPE, SCOPE, SCOPE, BOTH)),
    "centers:post-end": Entry("scoped", kwargs=post_kwargs, get=logged_in(405),
                              post=row(302, 404, 404, (302, 404), (302, 404), (302, 404), (302, 302)),
                              location=lambda c, role, which, method: reverse(
                                  "centers:person-detail", kwargs={"pk": c.side(role, which).person.pk})),
    # -- proxy requests: view scope reads; change_center scope handles -------------------------------
    "centers:request-detail": Entry("scoped", kwargs=request_kwargs,
                                    get=row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)),
    "centers:request-receipt": Entry("scoped", kwargs=request_kwargs,
                                     get=row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)),
    "centers:request-step": Entry("scoped", kwargs=request_kwargs, get=logged_in(405),
                                  post=row(302, (403, 404), (302, 404), (302, 404), (302, 404), (403, 404),
                                           (302, 302)),
                                  location=lambda c, role, which, method: reverse(
                                      "centers:request-detail", kwargs=request_kwargs(c, role, which))),
    "centers:request-reveal": Entry("scoped", kwargs=request_kwargs, get=logged_in(405),
                                    post=row(302, (403, 404), SCOPE, SCOPE, SCOPE, (403, 404), BOTH)),
    # -- duty shifts: the roster reads in view scope; only the cadre on duty checks in (403 for others) --
    "centers:duty-roster": Entry("scoped", kwargs=region_kwargs, get=row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)),
    "centers:shift-check-in": Entry("scoped", kwargs=shift_kwargs, get=logged_in(405),
                                    post=row(302, *[(403, 404)] * 5, (403, 403))),
    "centers:shift-check-out": Entry("scoped", kwargs=shift_kwargs, get=logged_in(405),
                                     post=row(302, *[(403, 404)] * 5, (403, 403))),
    "centers:shift-log": Entry("scoped", kwargs=shift_kwargs, get=logged_in(405),
                               post=row(302, *[(403, 404)] * 5, (403, 403))),
    # -- manage_service_items scope: items a township or county made -----------------------------
    "centers:service-item-edit": Entry("scoped", kwargs=service_item_kwargs,
                                       get=row(302, 404, 404, SCOPE, SCOPE, SCOPE, BOTH)),
    "centers:service-item-toggle": Entry("scoped", kwargs=service_item_kwargs, get=logged_in(405),
                                         post=row(302, 404, 404, (302, 404), (302, 404), (302, 404), (302, 302)),
                                         location=to("/service-items/")),
    "centers:calendar-day-delete": Entry("scoped", kwargs=calendar_day_kwargs, get=logged_in(405),
                                         post=row(302, 404, 404, 404, 404, (302, 404), (302, 302)),
                                         location=lambda c, role, which, method: (
                                             f"/calendar/?county={c.side(role, which).calendar_day.county.code}"
                                             f"&year={c.side(role, which).calendar_day.date.year}")),
    # -- manage_catalog scope: a county's own items; nothing is in a township or village user's scope --
    "centers:catalog-entry-toggle": Entry("scoped", kwargs=county_item_kwargs, get=logged_in(405),
                                          post=row(302, 404, 404, 404, 404, (302, 404), (302, 302)),
                                          location=lambda c, role, which, method: (
                                              f"/catalog/?county={c.side(role, which).county_item.county.code}")),
}


# ---------------------------------------------------------------------------------------------
# The admin, generated from the enumeration
# ---------------------------------------------------------------------------------------------

STAFF = "sysadmin"  # the only staff user of the world (a superuser)


def _admin_row(sysadmin_status: int, others: int = 302) -> dict[str, Cell]:
    """Anonymous and every non-staff role: ``others`` (the redirect to the admin login)."""
    return {role: ((sysadmin_status, sysadmin_status) if role == STAFF else (others, others)) for role in ROLES}


def _admin_models() -> dict[str, type]:
    """Registered models by the admin's URL-name prefix, e.g. "centers_region"."""
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def _label(model) -> str:
    return model._meta.label_lower


# What the project's (and the packages') admin classes forbid even the superuser.
# Posts, centers and checklist entries change only through the portal's services; regions only by import.
# Matters, meetings and disclosures change only through the decisions services; categories (the statutory
# ones among them) and a county's rules may be added, never deleted.
ADMIN_NO_ADD = {"centers.post", "centers.servicecenter", "centers.checklistentry", "centers.region",
                "audit.authevent", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",
                "pghistory.events", "decisions.matter", "decisions.meeting", "decisions.disclosure"}
ADMIN_NO_DELETE = {"centers.post", "centers.servicecenter", "centers.checklistentry", "centers.region",
                   "centers.roomtype", "centers.checklistitem", "centers.serviceitem", "audit.authevent",
                   "pghistory.events", "decisions.mattercategory", "decisions.decisionrules", "decisions.matter",
                   "decisions.meeting", "decisions.disclosure"}
MODEL_ACTIONS = ("changelist", "add", "change", "history", "delete")


def admin_object(model):
    manager = getattr(model, "objects", model._default_manager)  # pghistory's Events defaults to no_objects
    obj = manager.order_by("pk").first()
    assert obj is not None, f"the matrix world has no {model._meta.label} for the admin's object pages"
    return obj


def _object_id_kwargs(model) -> KwargsFn:
    return lambda c, role, which: {"object_id": admin_quote(admin_object(model).pk)}


def _admin_model_entry(model, action: str) -> Entry:
    label = _label(model)
    if action == "add" and label in ADMIN_NO_ADD or action == "delete" and label in ADMIN_NO_DELETE:
        status = 403
    else:
        # change on a model whose admin forbids changing still answers 200: the superuser may view it
        status = 200
    kwargs = None if action in ("changelist", "add") else _object_id_kwargs(model)
    return Entry("admin", get=_admin_row(status), kwargs=kwargs)


def _admin_redirect_entry(model) -> Entry:
    """``<app>/<model>/<object_id>/`` (no name): the superuser is sent on to the change page."""

    def url(c, role, which):
        return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{admin_quote(admin_object(model).pk)}/"

    def location(c, role, which, method):
        if role != STAFF:
            return None
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                       kwargs={"object_id": admin_quote(admin_object(model).pk)})

    return Entry("admin", get=_admin_row(302), url=url, location=location)


def _admin_site_entries() -> dict[str, Entry]:
    def user_kwargs(c, role, which):
        return {"id": c.world.village_a1_clerk.pk}

    def on_site(c, role, which):
        return {"content_type_id": ContentType.objects.get_for_model(Region).pk,
                "object_id": c.world.village_a1.pk}

    def admin_index_for(*roles):
        return lambda c, role, which, method: "/admin/" if role in roles else None

    return {
        "admin:index": Entry("admin", get=_admin_row(200)),
        "admin:app_list": Entry("admin", get=_admin_row(200), kwargs=lambda c, role, which: {"app_label": "centers"}),
        # the login page is public; a logged-in non-staff user gets the form again (with a notice)
        "admin:login": Entry("admin", get=_admin_row(302, others=200), location=admin_index_for(STAFF)),
        # POST-only (Django 5): non-staff are sent to the admin index (which then asks them to log in),
        # the superuser's logout goes to LOGOUT_REDIRECT_URL
        "admin:logout": Entry("admin", get=_admin_row(405), post=_admin_row(302),
                              location=lambda c, role, which, method: (
                                  "/accounts/login/" if role == STAFF else "/admin/")),
        "admin:password_change": Entry("admin", get=_admin_row(200)),
        "admin:password_change_done": Entry("admin", get=_admin_row(200)),
        "admin:jsi18n": Entry("admin", get=_admin_row(200)),
        # without app_label/model_name/field_name the autocomplete view refuses (no admin uses it)
        "admin:autocomplete": Entry("admin", get=_admin_row(403)),
        "admin:view_on_site": Entry("admin", get=_admin_row(302), kwargs=on_site,
                                    location=lambda c, role, which, method: (
                                        "http://testserver" + c.world.village_a1.get_absolute_url()
                                        if role == STAFF else None)),
        "admin:auth_user_password_change": Entry("admin", get=_admin_row(200), kwargs=user_kwargs),
        # the admin's final catch-all: 404 for staff, the login redirect for anyone else
        "admin:[admin/(?P<url>.*)$]": Entry("admin", get=_admin_row(404),
                                            url=lambda c, role, which: "/admin/no-such-page/"),
    }


def admin_entries(patterns: list[Pattern]) -> dict[str, Entry]:
    """The site-wide entries, plus one for every enumerated model pattern; unclassified patterns stay missing."""
    models = _admin_models()
    entries = _admin_site_entries()
    for p in patterns:
        if not p.key.startswith("admin:") or p.key in entries:
            continue
        name = p.key.removeprefix("admin:")
        for model_key, model in models.items():
            if name.startswith(model_key + "_") and name.removeprefix(model_key + "_") in MODEL_ACTIONS:
                entries[p.key] = _admin_model_entry(model, name.removeprefix(model_key + "_"))
                break
            redirect_route = f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
            if name == f"[{redirect_route}]":
                entries[p.key] = _admin_redirect_entry(model)
                break
    return entries


PATTERNS = url_patterns()
MATRIX: dict[str, Entry] = {**APP_ENTRIES, **admin_entries(PATTERNS)}


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_every_url_pattern_has_an_entry():
    keys = [p.key for p in PATTERNS]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"URL names used twice (only the last one can be reversed): {duplicates}"
    missing = sorted(set(keys) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(keys))
    assert not missing and not stale, f"URL patterns without a matrix entry: {missing}; entries without a pattern: {stale}"


def test_every_entry_covers_every_role():
    for key, entry in MATRIX.items():
        for cells in (entry.get, entry.post or entry.get):
            assert set(cells) == set(ROLES), key


def _url(ctx: Ctx, key: str, entry: Entry, role: str, which: str) -> str:
    if entry.url is not None:
        return entry.url(ctx, role, which)
    return reverse(key, kwargs=entry.kwargs(ctx, role, which) if entry.kwargs else None)


def _login_redirect_problem(response, path: str, login: str) -> str | None:
    location = response.headers.get("Location", "")
    parts = urlsplit(location)
    if parts.path != login or parse_qs(parts.query).get("next") != [path]:
        return f"redirects to {location!r}, expected {login}?next={quote(path)}"
    return None


def _redirect_problem(ctx: Ctx, entry: Entry, role: str, which: str, method: str, response,
                      path: str) -> str | None:
    if role == "anonymous" and entry.kind in ("login", "scoped"):
        return _login_redirect_problem(response, path, "/accounts/login/")
    expected = entry.location(ctx, role, which, method) if entry.location else None
    if expected is not None:
        location = response.headers.get("Location", "")
        return None if location == expected else f"redirects to {location!r}, expected {expected!r}"
    if entry.kind == "admin" and role != STAFF:
        return _login_redirect_problem(response, path, "/admin/login/")
    return f"redirects to {response.headers.get('Location')!r}, and the matrix names no target for it"


IMAGES = {"centers:checklist-photo", "decisions:board-photo-file", "decisions:attachment-file"}  # PNGs here
CASES = [pytest.param(key, role, id=f"{key}|{role}") for key in sorted(MATRIX) for role in ROLES]


@pytest.mark.parametrize(("key", "role"), CASES)
def test_permission_matrix(ctx, key, role):
    entry = MATRIX[key]
    client = Client()
    user = ctx.user(role)
    if user is not None:
        client.force_login(user)
    sides = ("in", "out") if entry.kind == "scoped" else ("in",)
    requests = [("GET", which, entry.get[role][i]) for i, which in enumerate(sides)]
    if entry.post is not None:  # out of scope first: the in-scope POST may change state (e.g. log out)
        requests += [("POST", which, entry.post[role][i]) for i, which in reversed(list(enumerate(sides)))]
    problems = []
    for method, which, expected in requests:
        url = _url(ctx, key, entry, role, which)
        response = client.get(url) if method == "GET" else client.post(url)
        label = f"{method} {url} ({which} scope)" if entry.kind == "scoped" else f"{method} {url}"
        if response.status_code != expected:
            problems.append(f"{label}: {response.status_code}, expected {expected}")
        elif expected in (301, 302):
            problem = _redirect_problem(ctx, entry, role, which, method, response, url)
            if problem:
                problems.append(f"{label}: {problem}")
        elif expected == 200 and key in IMAGES:
            if not response["Content-Type"].startswith("image/"):
                problems.append(f"{label}: Content-Type {response['Content-Type']!r}, expected an image")
        if response.streaming:
            b"".join(response.streaming_content)  # consumed: the test client then closes the file
    assert not problems, f"{key} as {role}:\n  " + "\n  ".join(problems)

