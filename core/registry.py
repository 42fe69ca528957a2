"""What each system contributes to the shell, registered from its ``AppConfig.ready()``.

The foundation (regions) and the shell (menu, home pages, county settings page, audit log, demo
command, notification list) read these lists; they never name an app above them. A new system calls
``contribute(Contribution(...))`` once and touches no foundation file beyond ``INSTALLED_APPS`` and the
root URLconf (docs/adding-a-system.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from core.charts import Chart


@dataclass(frozen=True)
class NavItem:
    """A menu entry. ``perm``: a region permission the user must hold somewhere (None: every signed-in user).
    ``manage``: an administrator's page, listed under the menu's "管理" dropdown."""

    label: str
    url_name: str
    perm: str | None = None
    staff: bool = False
    order: int = 100
    manage: bool = False


@dataclass(frozen=True)
class Panel:
    """A home-page panel: one template plus one selector.

    ``data(region)`` returns the template's context (``data``) in at most two queries. ``personal(user,
    region)`` adds what depends on the viewer without querying (scope checks read the cached grants).
    With ``cache_topic`` the panel is rendered once per region, topic version and viewer's part (what
    ``personal`` returns: a few booleans, or the viewer's id and the day) and served as HTML from the cache,
    its forms given each request's CSRF token; ``core.region_cache.touch(topic, village)`` on every change
    below the region renders it afresh. Without it (the viewer's notices) it is rendered on every request.
    """

    key: str
    title: str
    template: str
    levels: tuple[str, ...]
    data: Callable[..., dict] | None = None
    personal: Callable[..., dict] | None = None
    cache_topic: str | None = None
    order: int = 100
    wide: bool = False


@dataclass(frozen=True)
class ChildFigure:
    """A column of the "下辖区划" table: ``values(region, child_length)`` -> {child prefix: (part, whole)}
    in one grouped query; shown as a rate (part/whole)."""

    key: str
    label: str
    values: Callable[..., dict]
    order: int = 100


@dataclass(frozen=True)
class CountySetting:
    """A block of the county settings page: a CountySettings model and the form that edits it."""

    key: str
    title: str
    model: type
    form_class: type
    order: int = 100


@dataclass(frozen=True)
class ExportKind:
    """A large export built by spreadsheets' task: counter(job) -> rows, builder(job, workbook, progress)."""

    kind: str
    counter: Callable
    builder: Callable


@dataclass(frozen=True)
class DeskLink:
    """A link on the service desk's intake screen (the proxy-request form): a walk-in whose matter belongs
    to another system starts there (a dispute becomes a case of mediation). ``perm``: a region permission
    the user must hold on the village; the link gets ``?village=<code>``."""

    label: str
    url_name: str
    perm: str
    order: int = 100


@dataclass(frozen=True)
class Contribution:
    app_label: str
    # Region permissions this app defines (codename, label) and which posts grant them.
    region_permissions: tuple[tuple[str, str], ...] = ()
    role_permissions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    nav: tuple[NavItem, ...] = ()
    panels: tuple[Panel, ...] = ()
    # Charts of the region pages (core.charts.Chart), drawn below the panels.
    charts: tuple[Chart, ...] = ()
    child_figures: tuple[ChildFigure, ...] = ()
    county_settings: tuple[CountySetting, ...] = ()
    reminder_kinds: type[models.TextChoices] | None = None
    export_kinds: tuple[ExportKind, ...] = ()
    # Labels of audited records when the model's verbose name is not the right one (model label -> text).
    audit_labels: Mapping[str, str] = field(default_factory=dict)
    # hook(regions=[...]) after an import created regions (e.g. a service center for each).
    regions_created: Callable[..., None] | None = None
    # seed(county) -> lines to print; run by ``manage.py seed_demo`` in ``demo_order``, in one transaction.
    demo: Callable[..., list[str]] | None = None
    demo_order: int = 100
    desk_links: tuple[DeskLink, ...] = ()
    # duty_holder(village, day) -> the user on duty at the village's service desk that day, or None
    # (contributed by the system that keeps the duty roster; read through ``duty_holder``).
    duty_holder: Callable | None = None


_CONTRIBUTIONS: dict[str, Contribution] = {}


def contribute(contribution: Contribution) -> Contribution:
    """Registers an app's contribution (idempotent per app label; ready() may run twice in tests)."""
    from notifications.kinds import kinds_register
    from spreadsheets.exports import register as export_register

    _CONTRIBUTIONS[contribution.app_label] = contribution
    if contribution.reminder_kinds is not None:
        kinds_register(contribution.reminder_kinds)
    for export in contribution.export_kinds:
        export_register(export.kind, builder=export.builder, counter=export.counter)
    return contribution


def contributions() -> list[Contribution]:
    return list(_CONTRIBUTIONS.values())


def contribution_of(app_label: str) -> Contribution | None:
    return _CONTRIBUTIONS.get(app_label)


def nav_items() -> list[NavItem]:
    return sorted((item for c in _CONTRIBUTIONS.values() for item in c.nav), key=lambda i: i.order)


def panels_for(level: str) -> list[Panel]:
    found = (p for c in _CONTRIBUTIONS.values() for p in c.panels if level in p.levels)
    return sorted(found, key=lambda p: (p.order, p.key))


def charts_for(level: str) -> list[Chart]:
    found = (chart for c in _CONTRIBUTIONS.values() for chart in c.charts if level in chart.levels)
    return sorted(found, key=lambda chart: (chart.order, chart.key))


def child_figures() -> list[ChildFigure]:
    return sorted((f for c in _CONTRIBUTIONS.values() for f in c.child_figures), key=lambda f: f.order)


def county_settings() -> list[CountySetting]:
    return sorted((s for c in _CONTRIBUTIONS.values() for s in c.county_settings), key=lambda s: s.order)


def region_permissions() -> list[tuple[str, str]]:
    return [perm for c in _CONTRIBUTIONS.values() for perm in c.region_permissions]


def role_permissions(role: str) -> set[str]:
    return {perm for c in _CONTRIBUTIONS.values() for perm in c.role_permissions.get(role, ())}


def audit_labels() -> dict[str, str]:
    return {label: text for c in _CONTRIBUTIONS.values() for label, text in c.audit_labels.items()}


def regions_created_hooks() -> list[Callable]:
    return [c.regions_created for c in _CONTRIBUTIONS.values() if c.regions_created]


def demo_seeds() -> list[tuple[str, Callable]]:
    ordered = sorted((c for c in _CONTRIBUTIONS.values() if c.demo), key=lambda c: c.demo_order)
    return [(c.app_label, c.demo) for c in ordered]


def desk_links() -> list[DeskLink]:
    return sorted(
        (link for c in _CONTRIBUTIONS.values() for link in c.desk_links), key=lambda link: link.order
    )


def duty_holder(village, day):
    """Who is on duty at ``village`` on ``day`` (None without a duty roster or a shift)."""
    for c in _CONTRIBUTIONS.values():
        if c.duty_holder is not None:
            return c.duty_holder(village, day)
    return None
