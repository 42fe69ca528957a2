"""The permission matrix's engine: every URL pattern of the project, for every role, on an object in and out
of scope. The expectations live with the apps, one module each (``tests/<app>/permissions.py``); this
module enumerates the patterns, finds the apps' modules, builds the world they describe, generates the
Django admin's entries from the admin registry and runs the cases.

Rules enforced (the project's access design):

* every URL pattern has an entry: a pattern without one, or an entry without a pattern, fails the suite;
  an entry lives in the module of the app whose view serves it;
* every registered app (core.registry) and every base app has its module, and every entry covers every role;
* an object outside the user's scope answers 404, never 403, so ids don't leak;
* 403 only for an object the user can see but may not act on, or for a page needing a permission
  the user holds nowhere;
* anonymous users are redirected (302) to /accounts/login/?next=...; public pages say ``kind="public"``;
* POST-only endpoints answer 405 to GET; every other redirect's target is named and checked;
* files served as images answer with an image's content type;
* every page answered to a signed-in user says ``Cache-Control: no-store``;
* the Django admin: anonymous and non-staff users are redirected to the admin login; the superuser
  gets each page, except what a model's admin forbids (403). The admin's answers do not depend on the
  portal's roles, so its entries run for three roles only (ADMIN_ROLES).

An app's module contributes:

* ``ENTRIES``: {URL name: Entry};
* ``build_side(ctx, side)`` (optional): adds the app's objects to a side (village A1, B1, or C1 in a
  second county), through the app's services; apps build in INSTALLED_APPS order, so a system finds the
  foundation's objects (``side.person``) already there;
* ``build_world(ctx)`` (optional): objects that belong to no side (e.g. each role's own notification),
  after every side is built;
* ``ADMIN_NO_ADD`` / ``ADMIN_NO_DELETE`` (optional): labels of the app's models whose admin forbids
  adding / deleting even to the superuser.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import ModuleType
from urllib.parse import parse_qs, quote, urlsplit

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote as admin_quote
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from core import registry
from regions.models import Region
from regions.services import regions_import
from tests.conftest import World, build_world, make_user, rows_of

ROLES = (
    "anonymous",
    "village_a1_readonly",
    "village_a1_clerk",
    "township_a_officer",
    "township_b_officer",
    "county_admin",
    "sysadmin",
)
STAFF = "sysadmin"  # the only staff user of the world (a superuser)
# The admin answers by staff status alone: anonymous, one non-staff role and the staff superuser.
ADMIN_ROLES = ("anonymous", "village_a1_clerk", STAFF)
KINDS = ("public", "login", "scoped", "admin")

# Apps whose pages exist whatever is registered (below the registry's systems).
BASE_APPS = ("accounts", "notifications", "spreadsheets", "core")

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
# The world
# ---------------------------------------------------------------------------------------------


class Side:
    """One village and the objects the apps' builders made there (``side.center``, ``side.matter`` ...)."""

    def __init__(self, key: str, region: Region):
        self.key, self.region = key, region

    def add(self, **objects) -> None:
        taken = sorted(name for name in objects if name in vars(self))
        assert not taken, f"side {self.key}: {taken} added twice (two apps' builders use the same name)"
        vars(self).update(objects)

    def __repr__(self) -> str:
        return f"Side({self.key}: {', '.join(sorted(vars(self)))})"


@dataclass
class Ctx:
    world: World
    sides: dict[str, Side]
    stranger: User  # someone with no post, outside every role: owns the "other" objects
    own: dict[str, dict[str, models.Model]] = field(default_factory=dict)  # name -> role -> the role's own
    other: dict[str, models.Model] = field(default_factory=dict)  # name -> the stranger's

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self.world, role)

    def side(self, role: str, which: str) -> Side:
        return self.sides[IN_OUT[role][0 if which == "in" else 1]]

    def add_own(self, name: str, make: Callable[[User], models.Model]) -> None:
        """Objects that belong to a user: one for every role (anonymous borrows the clerk's, to have a URL)
        and one for the stranger (the "out" object of ``own_pk_of``)."""
        own = {role: make(self.user(role)) for role in ROLES if role != "anonymous"}
        own["anonymous"] = own["village_a1_clerk"]
        self.own[name] = own
        self.other[name] = make(self.stranger)


def build_ctx() -> Ctx:
    """The world (tests.conftest) plus a second county, and every app's objects on three sides."""
    world = build_world()
    regions_import(rows=rows_of(OTHER_COUNTY))
    c1 = Region.objects.get(code=OTHER_COUNTY[-1][0])
    ctx = Ctx(
        world=world,
        stranger=make_user("matrix_stranger"),
        sides={"A": Side("A", world.village_a1), "B": Side("B", world.village_b1), "C": Side("C", c1)},
    )
    for module in APP_MODULES.values():
        build_side = getattr(module, "build_side", None)
        if build_side is not None:
            for side in ctx.sides.values():
                build_side(ctx, side)
    for module in APP_MODULES.values():
        build = getattr(module, "build_world", None)
        if build is not None:
            build(ctx)
    _package_admin_objects(ctx)
    return ctx


def _package_admin_objects(ctx: Ctx) -> None:
    """One object of every admin-registered model that no app module makes: the packages' and audit's."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from audit.models import AuthEvent

    Group.objects.create(name="矩阵测试组")
    access = {
        "user_agent": "matrix",
        "ip_address": "127.0.0.1",
        "username": "someone",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.SECONDS)
    ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(days=1))
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=34.75, longitude=113.62)
    PeriodicTask.objects.create(name="矩阵测试任务", task="centers.tasks.nothing", interval=interval)
    AuthEvent.objects.create(
        kind=AuthEvent.Kind.LOGIN,
        user=ctx.world.village_a1_clerk,
        username="village_a1_clerk",
        ip_address="127.0.0.1",
    )


# ---------------------------------------------------------------------------------------------
# Enumerating the URL patterns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "ns:name", or "ns:[route]" for a pattern without a name
    route: str  # the full route, prefixes joined
    callback: Callable

    @property
    def app(self) -> str | None:
        """The app whose view serves the pattern (None: the Django admin, whose entries are generated)."""
        if self.key.startswith("admin:"):
            return None
        return self.callback.__module__.split(".")[0]


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
# Entries and the helpers the apps' modules write them with
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
    image: bool = False  # a 200 must be an image

    @property
    def roles(self) -> tuple[str, ...]:
        return ADMIN_ROLES if self.kind == "admin" else ROLES


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


def _resolve(obj, path: str):
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj.pk if isinstance(obj, models.Model) else obj


def kwargs_of(fixed: Mapping[str, object] | None = None, **paths: str) -> KwargsFn:
    """URL kwargs from the side's objects: ``kwargs_of(pk="center", item_pk="checklist_item")`` gives
    {"pk": side.center.pk, "item_pk": side.checklist_item.pk}; a dotted path reads an attribute
    ("region.code"); ``fixed`` adds constant kwargs."""

    def kwargs(c: Ctx, role: str, which: str) -> dict:
        side = c.side(role, which)
        return {**(fixed or {}), **{key: _resolve(side, path) for key, path in paths.items()}}

    return kwargs


def pk_of(name: str, **fixed) -> KwargsFn:
    """{"pk": the side's ``name`` object's pk} (plus constant kwargs)."""
    return kwargs_of(fixed, pk=name)


def code_of(name: str = "region") -> KwargsFn:
    """{"code": the side's ``name`` region's code}."""
    return kwargs_of(code=f"{name}.code")


def own_pk_of(name: str) -> KwargsFn:
    """{"pk": the role's own ``name`` object} in scope, the stranger's out of scope (see Ctx.add_own)."""

    def kwargs(c: Ctx, role: str, which: str) -> dict:
        return {"pk": (c.own[name][role] if which == "in" else c.other[name]).pk}

    return kwargs


def to(path: str) -> LocationFn:
    return lambda c, role, which, method: path


def to_url(name: str, query: Callable[[Side], str] | None = None, **paths: str) -> LocationFn:
    """The URL ``name`` reversed with the side's objects (as in ``kwargs_of``), plus ``?query(side)``."""
    kwargs = kwargs_of(**paths)

    def location(c: Ctx, role: str, which: str, method: str) -> str:
        url = reverse(name, kwargs=kwargs(c, role, which) or None)
        return f"{url}?{query(c.side(role, which))}" if query else url

    return location


def to_object(name: str) -> LocationFn:
    """The side's ``name`` object's own page (get_absolute_url)."""
    return lambda c, role, which, method: getattr(c.side(role, which), name).get_absolute_url()


# ---------------------------------------------------------------------------------------------
# The apps' modules
# ---------------------------------------------------------------------------------------------


def app_labels() -> list[str]:
    """The base apps and every registered app, in INSTALLED_APPS order (lowest layer first)."""
    wanted = set(BASE_APPS) | {c.app_label for c in registry.contributions()}
    return [config.label for config in apps.get_app_configs() if config.label in wanted]


def _load_modules() -> tuple[dict[str, ModuleType], list[str]]:
    found, missing = {}, []
    for label in app_labels():
        name = f"tests.{label}.permissions"
        try:
            found[label] = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"tests.{label}"):
                raise
            missing.append(label)
    return found, missing


# Loaded after the helpers above are defined: the apps' modules import them from this (half-imported) module.
APP_MODULES, MISSING_MODULES = _load_modules()


# ---------------------------------------------------------------------------------------------
# The admin, generated from the admin registry
# ---------------------------------------------------------------------------------------------


def _admin_row(staff_status: int, others: int = 302) -> dict[str, Cell]:
    """Anonymous and the non-staff role: ``others`` (the redirect to the admin login)."""
    return {
        role: ((staff_status, staff_status) if role == STAFF else (others, others)) for role in ADMIN_ROLES
    }


def _admin_models() -> dict[str, type]:
    """Registered models by the admin's URL-name prefix, e.g. "regions_region"."""
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


# What the packages' (and audit's) admin classes forbid even the superuser; the apps' modules add theirs.
PACKAGE_ADMIN_NO_ADD = {"audit.authevent", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
PACKAGE_ADMIN_NO_DELETE = {"audit.authevent"}
MODEL_ACTIONS = ("changelist", "add", "change", "history", "delete")


def _app_admin_labels(attribute: str) -> set[str]:
    return {label for module in APP_MODULES.values() for label in getattr(module, attribute, ())}


ADMIN_NO_ADD = PACKAGE_ADMIN_NO_ADD | _app_admin_labels("ADMIN_NO_ADD")
ADMIN_NO_DELETE = PACKAGE_ADMIN_NO_DELETE | _app_admin_labels("ADMIN_NO_DELETE")


def admin_object(model):
    manager = getattr(model, "objects", model._default_manager)  # pghistory's Events defaults to no_objects
    obj = manager.order_by("pk").first()
    assert obj is not None, f"the matrix world has no {model._meta.label} for the admin's object pages"
    return obj


def _object_id_kwargs(model) -> KwargsFn:
    return lambda c, role, which: {"object_id": admin_quote(admin_object(model).pk)}


def _admin_model_entry(model, action: str) -> Entry:
    label = model._meta.label_lower
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
        return (
            f"/admin/{model._meta.app_label}/{model._meta.model_name}/{admin_quote(admin_object(model).pk)}/"
        )

    def location(c, role, which, method):
        if role != STAFF:
            return None
        return reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
            kwargs={"object_id": admin_quote(admin_object(model).pk)},
        )

    return Entry("admin", get=_admin_row(302), url=url, location=location)


def _admin_site_entries() -> dict[str, Entry]:
    def user_kwargs(c, role, which):
        return {"id": c.world.village_a1_clerk.pk}

    def on_site(c, role, which):
        return {
            "content_type_id": ContentType.objects.get_for_model(Region).pk,
            "object_id": c.world.village_a1.pk,
        }

    return {
        "admin:index": Entry("admin", get=_admin_row(200)),
        "admin:app_list": Entry(
            "admin", get=_admin_row(200), kwargs=lambda c, role, which: {"app_label": "regions"}
        ),
        # the login page is public; a logged-in non-staff user gets the form again (with a notice)
        "admin:login": Entry(
            "admin",
            get=_admin_row(302, others=200),
            location=lambda c, role, which, method: "/admin/" if role == STAFF else None,
        ),
        # POST-only (Django 5): non-staff are sent to the admin index (which then asks them to log in),
        # the superuser's logout goes to LOGOUT_REDIRECT_URL
        "admin:logout": Entry(
            "admin",
            get=_admin_row(405),
            post=_admin_row(302),
            location=lambda c, role, which, method: "/accounts/login/" if role == STAFF else "/admin/",
        ),
        "admin:password_change": Entry("admin", get=_admin_row(200)),
        "admin:password_change_done": Entry("admin", get=_admin_row(200)),
        "admin:jsi18n": Entry("admin", get=_admin_row(200)),
        # without app_label/model_name/field_name the autocomplete view refuses (no admin uses it)
        "admin:autocomplete": Entry("admin", get=_admin_row(403)),
        "admin:view_on_site": Entry(
            "admin",
            get=_admin_row(302),
            kwargs=on_site,
            location=lambda c, role, which, method: (
                "http://testserver" + c.world.village_a1.get_absolute_url() if role == STAFF else None
            ),
        ),
        "admin:auth_user_password_change": Entry("admin", get=_admin_row(200), kwargs=user_kwargs),
        # the admin's final catch-all: 404 for staff, the login redirect for anyone else
        "admin:[admin/(?P<url>.*)$]": Entry(
            "admin", get=_admin_row(404), url=lambda c, role, which: "/admin/no-such-page/"
        ),
    }


def admin_entries(patterns: list[Pattern]) -> dict[str, Entry]:
    """The site-wide entries, plus one for every enumerated model pattern; unclassified patterns stay missing."""
    models_by_prefix = _admin_models()
    entries = _admin_site_entries()
    for p in patterns:
        if not p.key.startswith("admin:") or p.key in entries:
            continue
        name = p.key.removeprefix("admin:")
        for model_key, model in models_by_prefix.items():
            if name.startswith(model_key + "_") and name.removeprefix(model_key + "_") in MODEL_ACTIONS:
                entries[p.key] = _admin_model_entry(model, name.removeprefix(model_key + "_"))
                break
            redirect_route = f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
            if name == f"[{redirect_route}]":
                entries[p.key] = _admin_redirect_entry(model)
                break
    return entries


# ---------------------------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------------------------

PATTERNS = url_patterns()


def _app_entries() -> tuple[dict[str, Entry], list[str]]:
    """Every app module's entries, and what is wrong with where they are."""
    entries: dict[str, Entry] = {}
    owners: dict[str, str] = {}
    problems = []
    apps_of = {p.key: p.app for p in PATTERNS}
    for label, module in APP_MODULES.items():
        for key, entry in module.ENTRIES.items():
            if key in owners:
                problems.append(
                    f"{key} has entries in tests/{owners[key]}/permissions.py and tests/{label}/permissions.py"
                )
            if key in apps_of and apps_of[key] != label:
                problems.append(
                    f"{key} is served by {apps_of[key]}, but its entry is in tests/{label}/permissions.py"
                )
            entries[key], owners[key] = entry, label
        for attribute in ("ADMIN_NO_ADD", "ADMIN_NO_DELETE"):
            foreign = sorted(m for m in getattr(module, attribute, ()) if m.split(".")[0] != label)
            if foreign:
                problems.append(
                    f"tests/{label}/permissions.py {attribute} names other apps' models: {foreign}"
                )
    return entries, problems


APP_ENTRIES, PLACEMENT_PROBLEMS = _app_entries()
MATRIX: dict[str, Entry] = {**APP_ENTRIES, **admin_entries(PATTERNS)}
CASES = [(key, role) for key in sorted(MATRIX) for role in MATRIX[key].roles]


def coverage_problems() -> list[str]:
    """URL patterns without an entry, entries without a pattern, modules missing or misplaced entries."""
    keys = [p.key for p in PATTERNS]
    problems = [
        f"tests/{label}/permissions.py is missing (the app is registered)" for label in MISSING_MODULES
    ]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        problems.append(f"URL names used twice (only the last one can be reversed): {duplicates}")
    missing = sorted(set(keys) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(keys))
    if missing:
        problems.append(f"URL patterns without a matrix entry: {missing}")
    if stale:
        problems.append(f"entries without a pattern: {stale}")
    return problems + PLACEMENT_PROBLEMS


def role_problems() -> list[str]:
    problems = []
    for key, entry in MATRIX.items():
        if entry.kind not in KINDS:
            problems.append(f"{key}: unknown kind {entry.kind!r}")
        if (entry.kind == "admin") != key.startswith("admin:"):
            problems.append(f"{key}: only the Django admin's entries are of kind 'admin'")
        for method, cells in (("GET", entry.get), ("POST", entry.post)):
            if cells is not None and set(cells) != set(entry.roles):
                problems.append(f"{key} {method}: roles {sorted(cells)}, expected {sorted(entry.roles)}")
    return problems


# ---------------------------------------------------------------------------------------------
# Every registered app: entries, menu and audit labels
# ---------------------------------------------------------------------------------------------


def _event_models(app_label: str) -> list[type]:
    from pghistory.models import Event

    return [
        model
        for model in apps.get_app_config(app_label).get_models()
        if issubclass(model, Event) and getattr(model, "pgh_tracked_model", None) is not None
    ]


def registry_problems(
    contributions: Iterable[registry.Contribution],
    *,
    matrix_keys: Iterable[str],
    record_types: Iterable[tuple[str, str]],
    modules: Mapping[str, ModuleType],
) -> list[str]:
    """For each registered app: its menu's pages are in the matrix, its audited records are offered by the
    audit log's filter under a real name, and it has its permissions module."""
    matrix_keys = set(matrix_keys)
    labels = dict(record_types)
    problems = []
    for contribution in contributions:
        app = contribution.app_label
        if app not in modules:
            problems.append(f"{app}: no tests/{app}/permissions.py")
        for item in contribution.nav:
            if item.url_name not in matrix_keys:
                problems.append(f"{app}: menu entry {item.label!r} ({item.url_name}) has no matrix entry")
        try:
            event_models = _event_models(app)
        except LookupError:
            problems.append(f"{app}: registered, but not an installed app")
            continue
        for model in event_models:
            label, tracked = model._meta.label, model.pgh_tracked_model
            if label not in labels:
                problems.append(
                    f"{app}: audited records {label} are missing from auditlog.forms.record_types()"
                )
            elif labels[label] == label or (
                tracked._meta.auto_created and labels[label] == str(tracked._meta.verbose_name)
            ):
                problems.append(
                    f"{app}: audited records {label} are labelled {labels[label]!r} in the audit log "
                    f"(register a name in the app's Contribution.audit_labels)"
                )
    return problems


# ---------------------------------------------------------------------------------------------
# Running one case
# ---------------------------------------------------------------------------------------------


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


def _redirect_problem(
    ctx: Ctx, entry: Entry, role: str, which: str, method: str, response, path: str
) -> str | None:
    if role == "anonymous" and entry.kind in ("login", "scoped"):
        return _login_redirect_problem(response, path, "/accounts/login/")
    expected = entry.location(ctx, role, which, method) if entry.location else None
    if expected is not None:
        location = response.headers.get("Location", "")
        return None if location == expected else f"redirects to {location!r}, expected {expected!r}"
    if entry.kind == "admin" and role != STAFF:
        return _login_redirect_problem(response, path, "/admin/login/")
    return f"redirects to {response.headers.get('Location')!r}, and the matrix names no target for it"


def case_problems(ctx: Ctx, key: str, role: str) -> list[str]:
    """Requests the entry's URL as ``role`` (in and out of scope, GET then POST) and lists every answer
    that differs from the matrix."""
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
        elif expected == 200 and entry.image:
            if not response["Content-Type"].startswith("image/"):
                problems.append(f"{label}: Content-Type {response['Content-Type']!r}, expected an image")
        if expected == 200 and user is not None and "no-store" not in response.get("Cache-Control", ""):
            # Every signed-in page may show personal data: none is kept in a cache (core.middleware).
            problems.append(f"{label}: Cache-Control {response.get('Cache-Control')!r}, expected no-store")
        if response.streaming:
            b"".join(response.streaming_content)  # consumed: the test client then closes the file
    return problems
