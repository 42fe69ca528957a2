"""Creating people with their first post, and importing people and posts from a sheet (all-or-nothing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User, mobile_validator
from accounts.services import user_create, user_password_reset
from core.text import is_ascii_digits
from regions.models import Grid, Post, Region
from regions.roles import GRID_ROLES, MANAGE_PEOPLE, ROLE_TABLE, Level, Role
from regions.scoping import region_in_scope
from regions.services.posts import WHOLE_VILLAGE_GRID, check_may_grant, grantable_roles, post_grant
from spreadsheets.reading import Row

ROLE_BY_LABEL = (
    {label: value for value, label in Role.choices}
    | {value: value for value, _ in Role.choices}
    # 一格四员 ([003]) calls the grid worker 网格管理员.
    | {"网格管理员": Role.GRID_WORKER}
)
USERNAME_TAKEN = "用户名“{username}”已被使用"
USERNAME_TWICE_OTHER_NAME = "用户名“{username}”与第{other}行相同但姓名不同"
MOBILE_TWICE = "手机号码“{mobile}”与第{other}行的其他人重复"
MOBILE_DIFFERS = "手机号码与系统中该用户的手机号码不一致"
POST_TWICE = "该人员在此区划已担任这一职务"
ROLE_NOT_GRANTABLE = "您无权任命“{role}”职务"
SELF_GRANT = "不能给自己任命职务"
TOO_LONG = "{field}超过{n}个字"
ROLE_UNKNOWN = "职务“{role}”不在职务表中"
REGION_UNKNOWN = "区划代码“{code}”在系统中不存在"
REGION_OUT_OF_SCOPE = "区划“{name}”不在您的管辖范围内"
ROLE_WRONG_LEVEL = "职务“{role}”不能设在{level}"
MOBILE_INVALID = "手机号码“{mobile}”不是11位手机号"
MOBILE_TAKEN = "手机号码“{mobile}”已被其他账号使用"
DATE_INVALID = "任职日期“{value}”不是有效日期（格式如2026-01-01）"
DATE_IN_FUTURE = "任职日期不能晚于今天"
FIELD_MISSING = "{field}为空"
USERNAME_INVALID = "用户名只能包含字母、数字和@.+-_"
GRID_UNKNOWN = "网格“{grid}”在该村不存在"
GRID_SWITCHED_OFF = "网格“{grid}”已停用"
GRID_NEEDED = "{village}有多个网格，网格职务须填写网格名称"
GRID_ALL_OFF = "{village}的网格均已停用，请先启用或新建网格"
GRID_NOT_FOR_ROLE = "职务“{role}”不属于网格，网格列应为空"


PERSON_NOT_MANAGEABLE = "该人员还在您管辖范围以外任职，或是系统管理员，只能由上级管理员重置密码。"


def person_manageable(*, actor, person: User) -> bool:
    """An actor may reset a person's password only if every active post of theirs lies in the actor's
    people-management scope, and the person is neither staff nor superuser nor the actor."""
    if actor is None or actor.is_superuser:
        return True
    if person.is_staff or person.is_superuser or person.pk == actor.pk:
        return False
    regions = [p.region for p in person.posts.filter(ended_on__isnull=True).select_related("region")]
    return bool(regions) and all(region_in_scope(actor, MANAGE_PEOPLE, r) for r in regions)


@transaction.atomic
def person_password_reset(*, actor, person: User, request=None) -> str:
    if not person_manageable(actor=actor, person=person):
        raise PermissionDenied(PERSON_NOT_MANAGEABLE)
    return user_password_reset(user=person, actor=actor, request=request)


@transaction.atomic
def person_create(
    *,
    actor,
    username: str,
    real_name: str,
    mobile: str,
    role: str,
    region: Region,
    started_on: dt.date | None = None,
    grid: Grid | None = None,
) -> tuple[User, Post, str]:
    """Creates a user with a one-time initial password and grants the first post (in ``grid`` for a grid
    post), in one transaction."""
    check_may_grant(actor=actor, user=None, role=role, region=region)
    user, password = user_create(username=username, real_name=real_name, mobile=mobile)
    post = post_grant(actor=actor, user=user, role=role, region=region, started_on=started_on, grid=grid)
    return user, post, password


@dataclass
class PeopleImportResult:
    created_users: list[tuple[User, str]] = field(default_factory=list)  # (user, initial password)
    posts: int = 0
    errors: list[str] = field(default_factory=list)


def _parse_date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


@transaction.atomic
def people_import(*, actor, rows: list[Row]) -> PeopleImportResult:
    """Imports people and posts: columns 用户名, 姓名, 手机号, 职务, 区划代码, 任职日期, 网格.

    网格 (optional) names an active grid of the village for a grid post (GRID_ROLES); left empty, the
    post takes the village's only grid (or the whole village as one grid when it has none), and a village
    with several grids needs the name. Other posts leave it empty.

    An existing username gets the post only if that person already holds an active post in the
    actor's scope and the name matches; the same new username on several rows (same name) gets
    several posts. Every bad row is named; on any error nothing is written.
    """
    errors: list[str] = []
    codes = {r.cell(4).ljust(12, "0") for r in rows if is_ascii_digits(r.cell(4))}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    usernames = {r.cell(0) for r in rows}
    existing_users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    manageable = {u.username for u in existing_users.values() if person_manageable(actor=actor, person=u)}
    mobiles = {r.cell(2) for r in rows if r.cell(2)}
    mobile_owner = dict(User.objects.filter(mobile__in=mobiles).values_list("mobile", "username"))
    active_posts = set(
        Post.objects.filter(user__username__in=usernames, ended_on__isnull=True).values_list(
            "user__username", "role", "region__code"
        )
    )
    grids: dict[tuple[int, str], Grid] = {}  # (village id, name) -> grid, switched-off ones too
    active_grids: dict[int, int] = {}  # village id -> number of active grids
    for grid in Grid.objects.filter(village__code__in=codes):
        grids[(grid.village_id, grid.name)] = grid
        active_grids[grid.village_id] = active_grids.get(grid.village_id, 0) + grid.is_active
    first_row: dict[str, tuple[int, str]] = {}  # username -> (row, real name)
    mobile_row: dict[str, tuple[int, str]] = {}  # mobile -> (row, username)
    grantable: dict[int, set[str]] = {}
    planned_posts: set[tuple] = set()
    plan = []
    today = timezone.localdate()
    for row in rows:
        username, real_name, mobile, role_text, code, date_text, grid_text = (row.cell(i) for i in range(7))
        problems = []
        for label, value, limit in (
            ("用户名", username, 150),
            ("姓名", real_name, 50),
            ("职务", role_text, 0),
            ("区划代码", code, 0),
        ):
            if not value:
                problems.append(FIELD_MISSING.format(field=label))
            elif limit and len(value) > limit:
                problems.append(TOO_LONG.format(field=label, n=limit))
        if username and not all(c.isalnum() or c in "@.+-_" for c in username):
            problems.append(USERNAME_INVALID)
        seen = first_row.setdefault(username, (row.number, real_name))
        if seen[0] != row.number and seen[1] != real_name:
            problems.append(USERNAME_TWICE_OTHER_NAME.format(username=username, other=seen[0]))
        user = existing_users.get(username)
        if user is not None and (username not in manageable or user.real_name != real_name):
            problems.append(USERNAME_TAKEN.format(username=username))
        if mobile:
            try:
                mobile_validator(mobile)
            except ValidationError:
                problems.append(MOBILE_INVALID.format(mobile=mobile))
            else:
                if mobile_owner.get(mobile, username) != username:
                    problems.append(MOBILE_TAKEN.format(mobile=mobile))
                other = mobile_row.setdefault(mobile, (row.number, username))
                if other[1] != username:
                    problems.append(MOBILE_TWICE.format(mobile=mobile, other=other[0]))
                if user is not None and user.mobile and user.mobile != mobile:
                    problems.append(MOBILE_DIFFERS)
        role = ROLE_BY_LABEL.get(role_text)
        if role_text and role is None:
            problems.append(ROLE_UNKNOWN.format(role=role_text))
        region = regions.get(code.ljust(12, "0")) if is_ascii_digits(code) else None
        if code and region is None:
            problems.append(REGION_UNKNOWN.format(code=code))
        elif region is not None:
            if actor is not None and not region_in_scope(actor, MANAGE_PEOPLE, region):
                problems.append(REGION_OUT_OF_SCOPE.format(name=region.name))
            elif role and region.level not in ROLE_TABLE[role].levels:
                problems.append(
                    ROLE_WRONG_LEVEL.format(role=Role(role).label, level=Level(region.level).label)
                )
            elif role and role not in grantable.setdefault(region.pk, grantable_roles(actor, region)):
                problems.append(ROLE_NOT_GRANTABLE.format(role=Role(role).label))
            elif role:
                key = (username, role, region.code)
                if key in active_posts or key in planned_posts:
                    problems.append(POST_TWICE)
                planned_posts.add(key)
        grid = None
        if role and role not in GRID_ROLES and grid_text:
            problems.append(GRID_NOT_FOR_ROLE.format(role=Role(role).label))
        elif role in GRID_ROLES and region is not None and region.level == Level.VILLAGE:
            if grid_text:
                grid = grids.get((region.pk, grid_text))
                if grid is None:
                    problems.append(GRID_UNKNOWN.format(grid=grid_text))
                elif not grid.is_active:
                    problems.append(GRID_SWITCHED_OFF.format(grid=grid_text))
            elif active_grids.get(region.pk, 0) > 1:
                problems.append(GRID_NEEDED.format(village=region.name))
            elif not active_grids.get(region.pk) and (region.pk, WHOLE_VILLAGE_GRID) in grids:
                problems.append(GRID_ALL_OFF.format(village=region.name))
        if actor is not None and user is not None and user.pk == actor.pk:
            problems.append(SELF_GRANT)
        started_on = today
        if date_text:
            started_on = _parse_date(date_text)
            if started_on is None:
                problems.append(DATE_INVALID.format(value=date_text))
            elif started_on > today:
                problems.append(DATE_IN_FUTURE)
        if problems:
            errors.append(f"第{row.number}行：" + "；".join(problems))
        else:
            plan.append((username, real_name, mobile, role, region, started_on, grid))
    if errors:
        return PeopleImportResult(errors=errors)
    result = PeopleImportResult()
    for username, real_name, mobile, role, region, started_on, grid in plan:
        user = existing_users.get(username)
        if user is None:
            user, password = user_create(username=username, real_name=real_name, mobile=mobile)
            existing_users[username] = user
            result.created_users.append((user, password))
        post_grant(actor=actor, user=user, role=role, region=region, started_on=started_on, grid=grid)
        result.posts += 1
    return result
