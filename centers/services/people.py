"""Creating people with their first post, and importing people and posts from a sheet (all-or-nothing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User, mobile_validator
from accounts.services import user_create
from centers.models import Post, Region
from centers.roles import MANAGE_PEOPLE, ROLE_TABLE, Level, Role
from centers.scoping import region_in_scope
from centers.services.posts import post_grant
from spreadsheets.reading import Row

ROLE_BY_LABEL = {label: value for value, label in Role.choices} | {value: value for value, _ in Role.choices}
USERNAME_TAKEN = "用户名“{username}”已被“{name}”使用"
USERNAME_TWICE = "用户名“{username}”与第{other}行重复"
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


@transaction.atomic
def person_create(*, actor, username: str, real_name: str, mobile: str, role: str, region: Region,
                  started_on: dt.date | None = None) -> tuple[User, Post, str]:
    """Creates a user with a one-time initial password and grants the first post, in one transaction."""
    if actor is not None and not region_in_scope(actor, MANAGE_PEOPLE, region):
        raise PermissionDenied(f"您无权在{region.name}任命职务。")
    user, password = user_create(username=username, real_name=real_name, mobile=mobile)
    post = post_grant(actor=actor, user=user, role=role, region=region, started_on=started_on)
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
    """Imports people and posts: columns 用户名, 姓名, 手机号, 职务, 区划代码, 任职日期.

    A username that exists already gets the post if the name matches (a second post for the
    same person); otherwise the row is an error. Any error: nothing is written.
    """
    result = PeopleImportResult()
    errors: list[str] = []
    codes = {r.cell(4).ljust(12, "0") for r in rows if r.cell(4).isdigit()}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    usernames = {r.cell(0) for r in rows}
    existing_users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    mobiles = {r.cell(2) for r in rows if r.cell(2)}
    mobile_owner = dict(User.objects.filter(mobile__in=mobiles).values_list("mobile", "username"))
    seen_usernames: dict[str, int] = {}
    plan = []
    today = timezone.localdate()
    for row in rows:
        username, real_name, mobile, role_text, code, date_text = (row.cell(i) for i in range(6))
        problems = []
        for label, value in (("用户名", username), ("姓名", real_name), ("职务", role_text), ("区划代码", code)):
            if not value:
                problems.append(FIELD_MISSING.format(field=label))
        if username and not all(c.isalnum() or c in "@.+-_" for c in username):
            problems.append(USERNAME_INVALID)
        if username in seen_usernames:
            problems.append(USERNAME_TWICE.format(username=username, other=seen_usernames[username]))
        seen_usernames.setdefault(username, row.number)
        user = existing_users.get(username)
        if user is not None and user.real_name != real_name:
            problems.append(USERNAME_TAKEN.format(username=username, name=user.real_name))
        if mobile:
            try:
                mobile_validator(mobile)
                if mobile_owner.get(mobile, username) != username:
                    problems.append(MOBILE_TAKEN.format(mobile=mobile))
            except ValidationError:
                problems.append(MOBILE_INVALID.format(mobile=mobile))
        role = ROLE_BY_LABEL.get(role_text)
        if role_text and role is None:
            problems.append(ROLE_UNKNOWN.format(role=role_text))
        region = regions.get(code.ljust(12, "0")) if code.isdigit() else None
        if code and region is None:
            problems.append(REGION_UNKNOWN.format(code=code))
        elif region is not None:
            if actor is not None and not region_in_scope(actor, MANAGE_PEOPLE, region):
                problems.append(REGION_OUT_OF_SCOPE.format(name=region.name))
            elif role and region.level not in ROLE_TABLE[role].levels:
                problems.append(ROLE_WRONG_LEVEL.format(role=Role(role).label, level=Level(region.level).label))
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
            plan.append((row, user, username, real_name, mobile, role, region, started_on))
    if errors:
        result.errors = errors
        return result
    current = None
    try:
        for current in plan:
            _, user, username, real_name, mobile, role, region, started_on = current
            if user is None:
                user, password = user_create(username=username, real_name=real_name, mobile=mobile)
                existing_users[username] = user
                result.created_users.append((user, password))
            post_grant(actor=actor, user=user, role=role, region=region, started_on=started_on)
            result.posts += 1
    except ValidationError as exc:
        # A rule checked only on write (e.g. the same active post twice): name the row, write nothing.
        transaction.set_rollback(True)
        return PeopleImportResult(errors=[f"第{current[0].number}行：" + "；".join(exc.messages)])
    return result
