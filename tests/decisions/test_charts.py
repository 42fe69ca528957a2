"""The decisions system's home-page chart: matters in progress by the step of 四议两公开 they are at."""

from __future__ import annotations

import datetime as dt

import pytest

from core.charts import rows_of
from core.registry import charts_for
from regions.roles import Level, Role
from tests.conftest import make_user
from tests.decisions.builders import matter_register, meeting_record, resolve, roster_for, take_to

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


def figures(region) -> dict:
    chart = next(c for c in charts_for(Level.COUNTY) if c.key == "matters_by_step")
    built = chart.build(rows=rows_of([chart], region, TODAY)["matters_by_step"], region=region, today=TODAY)
    return dict(built["table"].rows)


def test_open_matters_by_step_in_the_procedures_order(world, roster, secretary):
    matter_register(secretary, world.village_a1, title="修路")
    take_to(secretary, matter_register(secretary, world.village_a1, title="打井"), "review")
    take_to(secretary, matter_register(secretary, world.village_a1, title="建广场"), "review")
    resolve(secretary, matter_register(secretary, world.village_a1, title="修桥"))
    rejected = matter_register(secretary, world.village_a1, title="被否决")
    meeting_record(secretary, rejected, "proposal", present=5, votes_for=1, votes_against=4)
    rejected.refresh_from_db()
    assert rejected.status == "rejected"  # no longer in progress: not counted
    b1_clerk = make_user("village_b1_clerk", Role.VILLAGE_SECRETARY, world.village_b1)
    roster_for(world.village_b1, actor=b1_clerk)
    matter_register(b1_clerk, world.village_b1, title="柳河乡的事项")

    township_a = figures(world.township_a)
    assert list(township_a) == [
        "党组织提议",
        "两委商议",
        "党员大会审议",
        "村民（代表）会议决议",
        "决议公开",
        "组织实施",
        "实施结果公开",
        "合计",
    ]
    assert township_a == {
        "党组织提议": 1,
        "两委商议": 0,
        "党员大会审议": 2,
        "村民（代表）会议决议": 0,
        "决议公开": 1,
        "组织实施": 0,
        "实施结果公开": 0,
        "合计": 4,
    }
    assert figures(world.county)["党组织提议"] == 2 and figures(world.county)["合计"] == 5
    assert figures(world.township_b)["合计"] == 1
