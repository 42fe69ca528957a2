"""Granting and ending posts (职务); each keeps the guardian grants on the region in step."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from core import region_cache
from core.formats import zh_date
from notifications.services import notification_create
from regions.kinds import RegionNotice
from regions.models import Grid, Post, Region, RegionUserObjectPermission
from regions.roles import GRID_ROLES, MANAGE_PEOPLE, ROLE_TABLE, Level, Role
from regions.scoping import forget_grants, grants_changed, require

ROLE_WRONG_LEVEL = "职务“{role}”只能设在{levels}一级，不能设在{level}。"
POST_OUT_OF_SCOPE = "您无权在{region}任命职务。"
POST_ALREADY_ENDED = "该职务已于{date}免职。"
POST_START_IN_FUTURE = "任职日期不能晚于今天。"
POST_END_BEFORE_START = "免职日期不能早于任职日期。"
POST_END_IN_FUTURE = "免职日期不能晚于今天。"
ROLE_NOT_GRANTABLE = "您无权任命“{role}”职务。"
SELF_GRANT = "不能给自己任命职务。"
GRID_REQUIRED = "{region}有多个网格，网格职务（{role}）须写明所在网格。"
WHOLE_VILLAGE_GRID = "全村网格"
GRID_NONE_ACTIVE = "{region}的网格均已停用，请先启用或新建网格，再任命网格职务。"
GRID_NOT_HERE = "所选网格不属于{region}，或已停用。"
GRID_ONLY_FOR_GRID_POSTS = "只有网格员、网格协管员、网格警务员、网格监督员和党员网格长需要选择网格。"


def grantable_roles(actor, region: Region) -> set[str]:
    """Roles ``actor`` may grant at ``region``: from their active posts whose region covers it.

    None (a command or the system) and superusers may grant any role.
    """
    if actor is None or actor.is_superuser:
        return set(ROLE_TABLE)
    roles: set[str] = set()
    for role, prefix in Post.objects.filter(user=actor, ended_on__isnull=True).values_list(
        "role", "region__prefix"
    ):
        if region.prefix.startswith(prefix) and MANAGE_PEOPLE in ROLE_TABLE[role].permissions:
            roles.update(ROLE_TABLE[role].grants)
    return roles


def grantable_roles_anywhere(actor) -> set[str]:
    """Roles ``actor`` may grant in at least one region (for the choices a form offers)."""
    if actor is None or actor.is_superuser:
        return set(ROLE_TABLE)
    roles: set[str] = set()
    for role in Post.objects.filter(user=actor, ended_on__isnull=True).values_list("role", flat=True):
        if MANAGE_PEOPLE in ROLE_TABLE[role].permissions:
            roles.update(ROLE_TABLE[role].grants)
    return roles


def check_may_grant(*, actor, user, role: str, region: Region) -> None:
    """Raises unless ``actor`` may put ``user`` in ``role`` at ``region`` (scope, role table, not oneself)."""
    if actor is None:
        return
    require(actor, MANAGE_PEOPLE, region, message=POST_OUT_OF_SCOPE.format(region=region.name))
    if user is not None and user.pk == actor.pk:
        raise PermissionDenied(SELF_GRANT)
    if role not in grantable_roles(actor, region):
        raise PermissionDenied(ROLE_NOT_GRANTABLE.format(role=_role_label(role)))


def _role_label(role: str) -> str:
    return Role(role).label


def post_permissions_sync(*, user, region: Region) -> None:
    """Makes the user's guardian grants on ``region`` equal to what their active posts there grant.

    Must run inside the caller's transaction: an advisory lock per (user, region) keeps a grant
    and an end running at the same time from losing a permission both posts give.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"post:{user.pk}:{region.pk}"]
        )
    wanted = set()
    for role in Post.objects.filter(user=user, region=region, ended_on__isnull=True).values_list(
        "role", flat=True
    ):
        wanted.update(ROLE_TABLE[role].permissions)
    held = set(
        RegionUserObjectPermission.objects.filter(user=user, content_object=region).values_list(
            "permission__codename", flat=True
        )
    )
    for codename in wanted - held:
        assign_perm(f"regions.{codename}", user, region)
    for codename in held - wanted:
        remove_perm(f"regions.{codename}", user, region)
    forget_grants(user)
    for topic in ("people", "children"):
        region_cache.touch(topic, region)


def post_grants_sync_all() -> tuple[int, int]:
    """Makes every region grant equal to what the active posts grant, in a few set operations.

    Runs after migrate: a system installed (or a role given a new permission) after posts were granted
    brings its permissions to the posts that hold them. Returns (granted, removed).
    """
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Region)
    permission_ids = dict(Permission.objects.filter(content_type=content_type).values_list("codename", "pk"))
    wanted = set()
    for user_id, region_id, role in Post.objects.filter(ended_on__isnull=True).values_list(
        "user_id", "region_id", "role"
    ):
        for codename in ROLE_TABLE[role].permissions:
            if codename in permission_ids:
                wanted.add((user_id, region_id, permission_ids[codename]))
    held = {
        (u, r, p): pk
        for pk, u, r, p in RegionUserObjectPermission.objects.values_list(
            "pk", "user_id", "content_object_id", "permission_id"
        )
    }
    missing = wanted - held.keys()
    RegionUserObjectPermission.objects.bulk_create(
        [RegionUserObjectPermission(user_id=u, content_object_id=r, permission_id=p) for u, r, p in missing],
        batch_size=5000,
    )
    extra = [pk for key, pk in held.items() if key not in wanted]
    RegionUserObjectPermission.objects.filter(pk__in=extra).delete()
    grants_changed({u for u, _, _ in missing} | {key[0] for key, pk in held.items() if key not in wanted})
    return len(missing), len(extra)


@transaction.atomic
def post_grant(
    *, actor, user, role: str, region: Region, started_on: date | None = None, grid: Grid | None = None
) -> Post:
    """Puts ``user`` in ``role`` at ``region``. The actor must manage people there (None: system/command).
    A grid post (GRID_ROLES) names one active grid of the village."""
    started_on = started_on or timezone.localdate()
    grid = grid_of_post(role=role, region=region, grid=grid)
    spec = ROLE_TABLE[role]
    if region.level not in spec.levels:
        raise ValidationError(
            ROLE_WRONG_LEVEL.format(
                role=_role_label(role),
                levels="、".join(Level(lv).label for lv in spec.levels),
                level=region.get_level_display(),
            )
        )
    check_may_grant(actor=actor, user=user, role=role, region=region)
    if started_on > timezone.localdate():
        raise ValidationError(POST_START_IN_FUTURE)
    post = Post(user=user, role=role, region=region, grid=grid, started_on=started_on, granted_by=actor)
    post.full_clean()
    post.save()
    post_permissions_sync(user=user, region=region)
    notification_create(
        recipient=user,
        kind=RegionNotice.POST_GRANTED,
        title=f"您已被任命为：{region.name} · {_role_label(role)}",
        url=region.get_absolute_url(),
    )
    return post


def grid_of_post(*, role: str, region: Region, grid: Grid | None) -> Grid | None:
    """The grid a post is held in: any other post has none; a grid post names an active grid of its
    village, or, when none is named, takes the village's only grid, or the whole village as one grid
    ([003]: a grid may be the whole village) when it has none yet."""
    if role not in GRID_ROLES:
        if grid is not None:
            raise ValidationError(GRID_ONLY_FOR_GRID_POSTS)
        return None
    if grid is None:
        grids = list(Grid.objects.filter(village=region, is_active=True)[:2])
        if len(grids) > 1:
            raise ValidationError(GRID_REQUIRED.format(region=region.name, role=_role_label(role)))
        if grids:
            return grids[0]
        whole = Grid.objects.get_or_create(village=region, name=WHOLE_VILLAGE_GRID)[0]
        # A whole-village grid the village switched off is not taken back silently.
        if not whole.is_active:
            raise ValidationError(GRID_NONE_ACTIVE.format(region=region.name))
        return whole
    if grid.village_id != region.pk or not grid.is_active:
        raise ValidationError(GRID_NOT_HERE.format(region=region.name))
    return grid


@transaction.atomic
def post_end(*, actor, post: Post, ended_on: date | None = None) -> Post:
    """Ends a post: its permissions are removed now, so access ends at the user's next request."""
    post = Post.objects.select_for_update(of=("self",)).select_related("region", "user").get(pk=post.pk)
    if post.ended_on is not None:
        raise ValidationError(POST_ALREADY_ENDED.format(date=zh_date(post.ended_on)))
    check_may_grant(actor=actor, user=post.user, role=post.role, region=post.region)
    ended_on = ended_on or timezone.localdate()
    if ended_on > timezone.localdate():
        raise ValidationError(POST_END_IN_FUTURE)
    if ended_on < post.started_on:
        raise ValidationError(POST_END_BEFORE_START)
    post.ended_on = ended_on
    post.save(update_fields=["ended_on"])
    post_permissions_sync(user=post.user, region=post.region)
    return post
