"""The network overview of a township or county: grids, grid workers, committees and mediators per village,
grouped by township with subtotals and the total ([003] "全区共划分村级网格104个，网格员715名"), in the same
number of queries for 3 villages as for 30."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mediation.models import CommitteePosition, Gender
from mediation.services.network import committee_member_add, committee_term_start, grid_create
from regions.models import Region
from regions.roles import Role
from regions.services import post_grant, regions_import
from tests.conftest import make_user, rows_of


def _overview(world, user=None, query: str = ""):
    return world.client_for(user or world.county_admin).get(f"/mediation/network/{query}")


def _staff_village(village: Region, n: int, *, mediator_in_committee: bool = True) -> None:
    """A village with a second grid (120 households), a grid worker in each, a mediator, and a committee
    of three (a woman, a chair) of which the mediator is one."""
    whole = grid_create(actor=None, village=village, name="一片", households=80)
    second = grid_create(actor=None, village=village, name="二片", households=120)
    for grid, role in ((whole, Role.GRID_WORKER), (second, Role.GRID_WORKER), (second, Role.GRID_POLICE)):
        post_grant(
            actor=None, user=make_user(f"g{n}_{grid.name}_{role}"), role=role, region=village, grid=grid
        )
    mediator = make_user(f"m{n}", Role.VILLAGE_MEDIATOR, village)
    committee = committee_term_start(
        actor=None, region=village, name="", term_starts_on=timezone.localdate() - dt.timedelta(days=30)
    )
    for i, (gender, position) in enumerate(
        (
            (Gender.FEMALE, CommitteePosition.CHAIR),
            (Gender.MALE, CommitteePosition.MEMBER),
            (Gender.MALE, "member"),
        )
    ):
        committee_member_add(
            actor=None,
            committee=committee,
            name=f"委员{i}",
            gender=gender,
            position=position,
            started_on=committee.term_starts_on,
            user=mediator if i == 0 and mediator_in_committee else None,
        )


def test_per_village_figures_and_the_totals(world):
    _staff_village(world.village_a2, 2)
    response = _overview(world)
    assert response.status_code == 200
    rows = {r["name"]: r for r in response.context["overview"].rows}
    # 白马村: the world's whole-village grid and its grid worker; no committee, no mediator.
    a1 = rows["白马村"]
    assert (a1["grids"], a1["grid_workers"], a1["committee"], a1["warnings"], a1["mediators"]) == (
        1,
        1,
        False,
        1,
        0,
    )
    # 张庄村: two grids (one outside 50-100 households), three grid workers, a committee without warnings,
    # and two mediators besides the chair who is also the 村调解员 (each person once).
    a2 = rows["张庄村"]
    assert (a2["grids"], a2["unusual_grids"], a2["grid_workers"]) == (2, 1, 3)
    assert (a2["committee"], a2["committee_members"], a2["warnings"], a2["mediators"]) == (True, 3, 0, 3)
    table = response.context["table"]
    assert [g.label for g in table.groups] == ["安乐镇", "柳河乡"]
    assert table.groups[0].subtotal["grids"] == 3 and table.groups[0].subtotal["committees"] == 1
    assert (table.total["villages"], table.total["grids"], table.total["grid_workers"]) == (3, 3, 4)
    assert str(table.total["coverage"]) == "33.3%"
    assert "全县共划分村级网格3个，网格员4名" in response.content.decode()


def test_a_committee_member_without_the_mediator_post_counts_besides_it(world):
    _staff_village(world.village_a2, 2, mediator_in_committee=False)
    rows = {r["name"]: r for r in _overview(world).context["overview"].rows}
    assert rows["张庄村"]["mediators"] == 4


def test_townships_show_their_committee_and_justice_office(world):
    make_user("justice_b", Role.TOWNSHIP_JUSTICE, world.township_b)
    committee_term_start(actor=None, region=world.township_b, name="", term_starts_on=timezone.localdate())
    townships = {t["name"]: t for t in _overview(world).context["overview"].townships}
    assert townships["安乐镇"]["committee"] is False and townships["安乐镇"]["warning_list"] == []
    assert townships["柳河乡"]["committee"] is True and townships["柳河乡"]["justice"] == 1
    assert len(townships["柳河乡"]["warning_list"]) == 3  # no members yet: too few, no chair, no woman


def test_the_region_is_the_users_own_or_one_in_their_view_scope(world):
    assert _overview(world, world.township_a_officer).context["region"] == world.township_a
    rows = _overview(world, world.village_a1_readonly).context["overview"].rows
    assert [r["name"] for r in rows] == ["白马村"]
    assert _overview(world, world.township_a_officer, f"?region={world.village_b1.code}").status_code == 404
    assert _overview(world, world.township_a_officer, "?region=12ab").status_code == 404
    response = _overview(world, world.county_admin, f"?region={world.township_b.code}")
    assert [r["name"] for r in response.context["overview"].rows] == ["李楼村"]


def _more_villages(world, count: int) -> None:
    rows = [(f"41990110{1 + i % 2}{300 + i}", f"新村{i}") for i in range(count)]
    regions_import(rows=rows_of(rows))
    for i, (code, _) in enumerate(rows):
        _staff_village(Region.objects.get(code=code), 100 + i)


def test_the_overview_costs_the_same_queries_for_3_and_30_villages(
    world, django_assert_num_queries, django_assert_max_num_queries
):
    _staff_village(world.village_a2, 2)
    client = world.client_for(world.county_admin)
    client.get("/mediation/network/")  # the session and the grants are read once
    with django_assert_max_num_queries(15) as three:
        response = client.get("/mediation/network/")
    assert len(response.context["overview"].rows) == 3
    _more_villages(world, 27)
    with django_assert_num_queries(len(three.captured_queries)):
        response = client.get("/mediation/network/")
    assert len(response.context["overview"].rows) == 30
    assert response.context["table"].total["grids"] == 1 + 2 * 28
