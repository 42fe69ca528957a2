"""The mediation network: a village's grids (一格四员) and the 人民调解委员会 of a village or a township.

Grids live on the spine (regions.Grid) because posts name them; mediation writes them here, guarded by
MANAGE_MEDIATION_NETWORK on the village. The rules of 人民调解法 on a committee's size, its 主任 and its
woman member are warnings shown on the pages (the law says "应当", and a village fills its committee over
time), except the second 主任, which the database refuses as well.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.formats import zh_date
from mediation.models import FINAL_STATES, Committee, CommitteeMember, CommitteePosition
from mediation.permissions import MANAGE_MEDIATION_NETWORK
from regions.models import GRID_HOUSEHOLDS_USUAL, Grid, Post, Region
from regions.roles import Level, Role
from regions.scoping import require, require_level
from regions.services.posts import post_end

NOT_A_VILLAGE = "网格只能设在村（社区）。"
NOT_YOURS = "您无权维护该村的网格和人民调解委员会。"
GRID_NAME_MISSING = "请填写网格名称。"
GRID_NAME_TAKEN = "本村已有名为“{name}”的网格（含已停用的），请换一个名称。"
GRID_HAS_POSTS = "网格“{name}”还有{count}名在岗的网格人员，请先免职或调整到其他网格后再停用。"
GRID_HAS_DISPUTES = "网格“{name}”还有{count}件未办结的矛盾纠纷，办结后才能停用。"
GRID_HOUSEHOLDS_WARNING = "网格“{name}”常住{households}户，不在通常的{low}-{high}户之间，请核实网格划分。"

COMMITTEE_LEVELS = (Level.VILLAGE, Level.TOWNSHIP)
COMMITTEE_WRONG_LEVEL = "人民调解委员会设在村（社区）或乡镇（街道）。"
TERM_YEARS = 3  # 人民调解法 第9条: "每届任期三年"
TERM_END_NOT_AFTER_START = "任期届满日期须晚于任期开始日期。"
TERM_NOT_AFTER_CURRENT = "新一届的任期开始日期须晚于本届的开始日期（{date}）。"
TERM_START_IN_FUTURE = "任期开始日期不能晚于今天。"
COMMITTEE_NOT_ACTIVE = "该届调解委员会已不在任，不能再调整其成员。"
SECOND_CHAIR = "调解委员会只设主任一人（人民调解法第八条）：{name}现任主任，请先办理其离任后再任命新主任。"
MEMBER_ALREADY_ENDED = "{name}已于{date}离任。"
MEMBER_END_BEFORE_START = "离任日期不能早于任职日期（{date}）。"
MEMBER_DATE_IN_FUTURE = "日期不能晚于今天。"
MEMBER_START_BEFORE_TERM = "任职日期不能早于本届任期开始日期（{date}）。"
MEMBER_USER_NOT_HERE = "所选账号在{region}没有在任职务。"
END_REASON_MISSING = "请选择离任原因。"
END_NOTE_REQUIRED = "“{reason}”须写明具体情况。"

WARN_TOO_FEW = "委员只有{count}人，少于3人（人民调解法第八条：由委员三至九人组成）。"
WARN_TOO_MANY = "委员有{count}人，多于9人（人民调解法第八条：由委员三至九人组成）。"
WARN_NO_CHAIR = "未设主任（人民调解法第八条：设主任一人）。"
WARN_NO_WOMAN = "没有妇女委员（人民调解法第八条：人民调解委员会应当有妇女成员）。"
WARN_TERM_OVER = "本届任期已于{date}届满，请及时换届（人民调解法第九条：每届任期三年）。"
NO_COMMITTEE = "未设立人民调解委员会（人民调解法第八条：村民委员会设立人民调解委员会）。"

# Why a member leaves. 罢免 and 解聘 are the ends 人民调解法 第15条 gives for serious misconduct
# (偏袒一方、侮辱当事人、索取收受财物、泄露隐私或商业秘密): they also end the person's mediator post.
END_TERM = "届满"
END_RESIGNED = "辞职"
END_MOVED = "调离"
END_RECALLED = "罢免"
END_DISMISSED = "解聘"
END_OTHER = "其他"
END_REASONS = (
    (END_TERM, "任期届满"),
    (END_RESIGNED, "本人辞职"),
    (END_MOVED, "工作调动"),
    (END_RECALLED, "罢免（第十五条，违法违纪情节严重）"),
    (END_DISMISSED, "解聘（第十五条，违法违纪情节严重）"),
    (END_OTHER, "其他原因"),
)
MISCONDUCT_REASONS = (END_RECALLED, END_DISMISSED)
NEW_TERM_REASON = "换届"


# -- grids -------------------------------------------------------------------------------------------


def grid_households_warning(grid: Grid) -> str:
    """The warning shown for a grid whose households lie outside the usual 50-100 ("" otherwise)."""
    if not grid.households_unusual:
        return ""
    low, high = GRID_HOUSEHOLDS_USUAL
    return GRID_HOUSEHOLDS_WARNING.format(name=grid.name, households=grid.households, low=low, high=high)


def _grid_name(*, village: Region, name: str, pk: int | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(GRID_NAME_MISSING)
    # The unique constraint covers switched-off grids too: say so before the database does.
    if Grid.objects.filter(village=village, name=name).exclude(pk=pk).exists():
        raise ValidationError(GRID_NAME_TAKEN.format(name=name))
    return name


@transaction.atomic
def grid_create(*, actor, village: Region, name: str, households: int | None = None, area: str = "") -> Grid:
    """A new grid of ``village``. Households outside 50-100 are kept (``grid_households_warning``)."""
    require_level(village, (Level.VILLAGE,), message=NOT_A_VILLAGE)
    require(actor, MANAGE_MEDIATION_NETWORK, village, message=NOT_YOURS)
    name = _grid_name(village=village, name=name, pk=None)
    grid = Grid(village=village, name=name, households=households, area=(area or "").strip())
    grid.full_clean()
    grid.save()
    return grid


@transaction.atomic
def grid_update(*, actor, grid: Grid, name: str, households: int | None, area: str) -> Grid:
    grid = Grid.objects.select_for_update(of=("self",)).select_related("village").get(pk=grid.pk)
    require(actor, MANAGE_MEDIATION_NETWORK, grid.village, message=NOT_YOURS)
    grid.name = _grid_name(village=grid.village, name=name, pk=grid.pk)
    grid.households = households
    grid.area = (area or "").strip()
    grid.full_clean()
    grid.save(update_fields=["name", "households", "area"])
    return grid


@transaction.atomic
def grid_set_active(*, actor, grid: Grid, active: bool) -> Grid:
    """Switches a grid on or off. Off is refused while posts or open disputes are on it: they would
    point at a grid nobody maintains (a grid is never deleted, its history refers to it)."""
    grid = Grid.objects.select_for_update(of=("self",)).select_related("village").get(pk=grid.pk)
    require(actor, MANAGE_MEDIATION_NETWORK, grid.village, message=NOT_YOURS)
    if grid.is_active == active:
        return grid
    if not active:
        posts = Post.objects.filter(grid=grid, ended_on__isnull=True).count()
        if posts:
            raise ValidationError(GRID_HAS_POSTS.format(name=grid.name, count=posts))
        disputes = grid.disputes.exclude(state__in=FINAL_STATES).count()
        if disputes:
            raise ValidationError(GRID_HAS_DISPUTES.format(name=grid.name, count=disputes))
    grid.is_active = active
    grid.save(update_fields=["is_active"])
    return grid


# -- committees --------------------------------------------------------------------------------------


def term_end_default(start: dt.date) -> dt.date:
    """Three years after the start (人民调解法 第9条): the same day, 28 Feb for a term starting 29 Feb."""
    try:
        return start.replace(year=start.year + TERM_YEARS)
    except ValueError:
        return start.replace(year=start.year + TERM_YEARS, day=28)


def committee_warnings(
    *,
    members: int,
    chairs: int,
    women: int,
    term_ends_on: dt.date | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """What 人民调解法 第8、9条 expect and the committee lacks, from its counts of active members."""
    warnings = []
    if members < 3:
        warnings.append(WARN_TOO_FEW.format(count=members))
    elif members > 9:
        warnings.append(WARN_TOO_MANY.format(count=members))
    if not chairs:
        warnings.append(WARN_NO_CHAIR)
    if not women:
        warnings.append(WARN_NO_WOMAN)
    if term_ends_on is not None and term_ends_on < (today or timezone.localdate()):
        warnings.append(WARN_TERM_OVER.format(date=zh_date(term_ends_on)))
    return warnings


@transaction.atomic
def committee_term_start(
    *,
    actor,
    region: Region,
    name: str,
    term_starts_on: dt.date,
    term_ends_on: dt.date | None = None,
) -> Committee:
    """A new term (届) of the region's committee: the current one, if any, leaves office with its members
    (ended on the new term's start, "换届"), and the new one takes its place. The term ends three years
    after its start unless given (人民调解法 第9条)."""
    require_level(region, COMMITTEE_LEVELS, message=COMMITTEE_WRONG_LEVEL)
    require(actor, MANAGE_MEDIATION_NETWORK, region, message=NOT_YOURS)
    if term_starts_on > timezone.localdate():
        raise ValidationError(TERM_START_IN_FUTURE)
    term_ends_on = term_ends_on or term_end_default(term_starts_on)
    if term_ends_on <= term_starts_on:
        raise ValidationError(TERM_END_NOT_AFTER_START)
    # The region's row is the lock: two first terms registered at once must not both pass.
    Region.objects.select_for_update().filter(pk=region.pk).first()
    current = Committee.objects.select_for_update().filter(region=region, is_active=True).first()
    if current is not None:
        if term_starts_on <= current.term_starts_on:
            raise ValidationError(TERM_NOT_AFTER_CURRENT.format(date=zh_date(current.term_starts_on)))
        for member in current.members.select_for_update().filter(ended_on__isnull=True):
            member.ended_on = max(member.started_on, term_starts_on)
            member.end_reason = NEW_TERM_REASON
            member.save(update_fields=["ended_on", "end_reason"])
        current.is_active = False
        current.version += 1
        current.save(update_fields=["is_active", "version"])
    committee = Committee(
        region=region,
        name=(name or "").strip() or f"{region.name}人民调解委员会",
        term_starts_on=term_starts_on,
        term_ends_on=term_ends_on,
    )
    committee.full_clean()
    committee.save()
    return committee


def _check_date(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(MEMBER_DATE_IN_FUTURE)


@transaction.atomic
def committee_member_add(
    *,
    actor,
    committee: Committee,
    name: str,
    gender: str,
    position: str,
    started_on: dt.date,
    phone: str = "",
    user=None,
) -> CommitteeMember:
    """Adds a member to the committee in office. A second 主任 is refused (the other rules warn)."""
    committee = Committee.objects.select_for_update().select_related("region").get(pk=committee.pk)
    require(actor, MANAGE_MEDIATION_NETWORK, committee.region, message=NOT_YOURS)
    if not committee.is_active:
        raise ValidationError(COMMITTEE_NOT_ACTIVE)
    _check_date(started_on)
    if started_on < committee.term_starts_on:
        raise ValidationError(MEMBER_START_BEFORE_TERM.format(date=zh_date(committee.term_starts_on)))
    if position == CommitteePosition.CHAIR:
        chair = committee.members.filter(position=CommitteePosition.CHAIR, ended_on__isnull=True).first()
        if chair is not None:
            raise ValidationError(SECOND_CHAIR.format(name=chair.name))
    if (
        user is not None
        and not Post.objects.filter(user=user, region=committee.region, ended_on__isnull=True).exists()
    ):
        raise ValidationError(MEMBER_USER_NOT_HERE.format(region=committee.region.name))
    member = CommitteeMember(
        committee=committee,
        name=(name or "").strip(),
        user=user,
        gender=gender,
        position=position,
        phone=phone,
        started_on=started_on,
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def committee_member_end(
    *, actor, member: CommitteeMember, ended_on: dt.date, reason: str, note: str = ""
) -> CommitteeMember:
    """A member leaves the committee, with the reason. A 罢免 or 解聘 (人民调解法 第15条) also ends the
    person's 村调解员 post at the committee's region, so their mediation rights end with it."""
    member = (
        CommitteeMember.objects.select_for_update(of=("self",))
        .select_related("committee__region", "user")
        .get(pk=member.pk)
    )
    region = member.committee.region
    require(actor, MANAGE_MEDIATION_NETWORK, region, message=NOT_YOURS)
    labels = dict(END_REASONS)
    if reason not in labels:
        raise ValidationError(END_REASON_MISSING)
    note = (note or "").strip()
    if reason in (*MISCONDUCT_REASONS, END_OTHER) and not note:
        raise ValidationError(END_NOTE_REQUIRED.format(reason=labels[reason]))
    if member.ended_on is not None:
        raise ValidationError(MEMBER_ALREADY_ENDED.format(name=member.name, date=zh_date(member.ended_on)))
    _check_date(ended_on)
    if ended_on < member.started_on:
        raise ValidationError(MEMBER_END_BEFORE_START.format(date=zh_date(member.started_on)))
    member.ended_on = ended_on
    member.end_reason = f"{reason}：{note}"[:200] if note else reason
    member.full_clean()
    member.save(update_fields=["ended_on", "end_reason"])
    if reason in MISCONDUCT_REASONS and member.user is not None:
        # The committee's decision ends the mediator post (第15条); the system ends it on its behalf,
        # since those who keep the committee need not manage people.
        for post in Post.objects.filter(
            user=member.user, region=region, role=Role.VILLAGE_MEDIATOR, ended_on__isnull=True
        ):
            post_end(actor=None, post=post, ended_on=max(ended_on, post.started_on))
    return member
