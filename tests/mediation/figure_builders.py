"""An ORM factory for the figures tests: disputes and the rows hanging off them created directly in given
states and dates (the figures only read records; the case services are tested on their own). Each helper
writes exactly what its arguments say, so a test's expected figures can be counted by hand."""

from __future__ import annotations

import datetime as dt
import itertools

from accounts.models import User
from mediation.models import (
    Agreement,
    Committee,
    Dispute,
    DisputeType,
    Escalation,
    EscalationReason,
    FollowUp,
    JudicialConfirmation,
    Level,
    Performance,
    Resolution,
    Source,
    State,
    TransferTarget,
)
from regions.models import Grid, Region
from regions.roles import Level as RegionLevel

_serial = itertools.count(1)


def _recorder() -> User:
    user, _ = User.objects.get_or_create(username="figures_recorder", defaults={"real_name": "统计录入"})
    return user


def dispute(
    village: Region,
    *,
    found_on: dt.date,
    state: str = State.MEDIATING,
    level: str = Level.VILLAGE,
    dispute_type: str = DisputeType.NEIGHBOURS,
    source: str = Source.GRID,
    accepted_on: dt.date | None = None,
    due_on: dt.date | None = None,
    accept_due_on: dt.date | None = None,
    concluded_on: dt.date | None = None,
    resolution: str = "",
    resolved_on: dt.date | None = None,
    resolved_level: str = "",
    transferred_to: str = "",
    petition_started_on: dt.date | None = None,
    petition_beyond_level: bool = False,
) -> Dispute:
    """A dispute of ``village`` in ``state``. ``level`` decides the handling region (the village, its
    township or its county)."""
    handling = {
        Level.GRID: village,
        Level.VILLAGE: village,
        Level.TOWNSHIP: village.parent,
        Level.COUNTY: village.parent.parent if village.parent else village,
    }[level]
    return Dispute.objects.create(
        number=f"TJ{found_on:%Y%m%d}{next(_serial):05d}",
        village=village,
        handling_region=handling,
        level=level,
        state=state,
        source=source,
        dispute_type=dispute_type,
        summary="邻里因排水沟发生争执。",
        found_on=found_on,
        registered_by=_recorder(),
        level_since=found_on,
        accept_due_on=accept_due_on,
        accepted_on=accepted_on,
        first_accepted_on=accepted_on,
        due_on=due_on,
        concluded_on=concluded_on,
        resolution=resolution,
        resolved_on=resolved_on,
        resolved_level=resolved_level,
        transferred_to=transferred_to,
        petition_started_on=petition_started_on,
        petition_beyond_level=petition_beyond_level,
    )


def resolved(
    village: Region,
    *,
    found_on: dt.date,
    resolved_on: dt.date,
    level: str = Level.VILLAGE,
    resolution: str = Resolution.MEDIATED,
    **extra,
) -> Dispute:
    """A dispute resolved (化解) at ``level`` on ``resolved_on``: agreed, or closed when settled otherwise."""
    state = State.AGREED if resolution == Resolution.MEDIATED else State.CLOSED
    return dispute(
        village,
        found_on=found_on,
        state=extra.pop("state", state),
        level=level,
        accepted_on=extra.pop("accepted_on", found_on),
        concluded_on=resolved_on,
        resolution=resolution,
        resolved_on=resolved_on,
        resolved_level=level,
        **extra,
    )


def transferred_to_petition(village: Region, *, found_on: dt.date, concluded_on: dt.date) -> Dispute:
    return dispute(
        village,
        found_on=found_on,
        state=State.TRANSFERRED,
        accepted_on=found_on,
        concluded_on=concluded_on,
        transferred_to=TransferTarget.PETITION,
        petition_started_on=concluded_on,
    )


def bulk(village: Region, count: int, *, found_on: dt.date, resolved_on: dt.date | None = None) -> None:
    """``count`` disputes found on ``found_on`` (resolved at village level on ``resolved_on`` if given),
    written in one bulk INSERT."""
    recorder = _recorder()
    Dispute.objects.bulk_create(
        [
            Dispute(
                number=f"TJ{found_on:%Y%m%d}{next(_serial):05d}",
                village=village,
                handling_region=village,
                level=Level.VILLAGE,
                state=State.AGREED if resolved_on else State.MEDIATING,
                source=Source.GRID,
                dispute_type=DisputeType.NEIGHBOURS,
                summary="批量纠纷",
                found_on=found_on,
                registered_by=recorder,
                level_since=found_on,
                accepted_on=found_on,
                first_accepted_on=found_on,
                concluded_on=resolved_on,
                resolution=Resolution.MEDIATED if resolved_on else "",
                resolved_on=resolved_on,
                resolved_level=Level.VILLAGE if resolved_on else "",
            )
            for _ in range(count)
        ]
    )


def escalation(d: Dispute, *, to_level: str, escalated_on: dt.date) -> Escalation:
    from_level = {Level.VILLAGE: Level.GRID, Level.TOWNSHIP: Level.VILLAGE, Level.COUNTY: Level.TOWNSHIP}
    return Escalation.objects.create(
        dispute=d,
        from_level=from_level[to_level],
        to_level=to_level,
        from_region=d.village,
        to_region=d.village.parent if to_level != Level.VILLAGE else d.village,
        reason=EscalationReason.COMPLEX,
        escalated_on=escalated_on,
        escalated_by=_recorder(),
        accept_due_on=escalated_on + dt.timedelta(days=3),
    )


def agreement(
    d: Dispute,
    *,
    reached_on: dt.date,
    form: str = Agreement.Form.WRITTEN,
    follow_up_due_on: dt.date | None = None,
) -> Agreement:
    return Agreement.objects.create(
        dispute=d,
        form=form,
        level=d.resolved_level or Level.VILLAGE,
        facts="双方因排水沟发生争执。",
        terms="共同出资疏通排水沟。",
        performance_manner="一次性履行",
        reached_on=reached_on,
        mediator_signed=True,
        sealed_on=reached_on,
        effective_on=reached_on,
        follow_up_due_on=follow_up_due_on,
        recorded_by=_recorder(),
    )


def follow_up(
    d: Dispute, *, visited_on: dt.date, performance: str = Performance.PERFORMED, due_on=None
) -> FollowUp:
    return FollowUp.objects.create(
        dispute=d,
        visited_on=visited_on,
        due_on=due_on,
        visitor="回访员",
        performance=performance,
        recorded_by=_recorder(),
    )


def confirmation(
    d: Dispute, *, applied_on: dt.date, in_time: bool = True, outcome: str = "pending"
) -> JudicialConfirmation:
    return JudicialConfirmation.objects.create(
        dispute=d,
        applied_on=applied_on,
        court="某某县人民法院",
        outcome=outcome,
        in_time=in_time,
        recorded_by=_recorder(),
    )


def grid(village: Region, name: str, *, is_active: bool = True) -> Grid:
    return Grid.objects.create(village=village, name=name, is_active=is_active)


def committee(region: Region, *, is_active: bool = True) -> Committee:
    return Committee.objects.create(
        region=region,
        name=f"{region.name}人民调解委员会",
        term_starts_on=dt.date(2025, 1, 1),
        term_ends_on=dt.date(2028, 1, 1),
        is_active=is_active,
    )


def villages(township: Region, count: int, *, start: int = 300) -> list[Region]:
    """``count`` more villages under ``township`` (codes from ``start``), created directly."""
    return Region.objects.bulk_create(
        [
            Region(
                code=f"{township.prefix}{start + n:03d}",
                prefix=f"{township.prefix}{start + n:03d}",
                name=f"测试村{start + n}",
                level=RegionLevel.VILLAGE,
                parent=township,
            )
            for n in range(count)
        ]
    )
