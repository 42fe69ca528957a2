"""The figures of mediation (DOMAIN_RULES B.1.6, B.1.7 7 and 8) on their definitions and boundaries, read
through the read contract mediation.figures (the page and the sheet are tested beside it)."""

from __future__ import annotations

import datetime as dt

from core.formats import Rate
from mediation.figures import change_percent, figures_by_village, figures_for, sum_figures
from mediation.models import Agreement, Level, Performance, Resolution, State
from tests.mediation import figure_builders as fb

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
TODAY = dt.date(2026, 4, 15)


def test_seed_rate_1372_of_1393_is_98_5(world):
    """[003] 排查1393起，化解1372起 → 化解率98.5% (0.98492… rounded half up to one decimal)."""
    fb.bulk(world.village_a1, 1372, found_on=dt.date(2026, 2, 1), resolved_on=dt.date(2026, 2, 20))
    fb.bulk(world.village_a2, 21, found_on=dt.date(2026, 2, 1))
    figures = figures_for(world.county, START, END, today=TODAY)
    assert (figures.found, figures.resolved) == (1393, 1372)
    assert str(figures.resolution_rate) == "98.5%"
    assert figures.headline == "排查出各类矛盾纠纷1393起，化解1372起，化解率98.5%"


def test_zero_found_shows_a_dash(world):
    figures = figures_for(world.county, START, END, today=TODAY)
    assert figures.found == 0
    assert str(figures.resolution_rate) == "—"
    assert str(figures.success_rate) == "—"
    assert str(figures.village_rate) == "—"
    assert figures.petition_change_text == "—"
    assert figures.headline == "排查出各类矛盾纠纷0起，化解0起，化解率—"


def test_transferred_to_petition_counts_in_found_not_in_resolved(world):
    fb.transferred_to_petition(
        world.village_a1, found_on=dt.date(2026, 2, 1), concluded_on=dt.date(2026, 2, 10)
    )
    figures = figures_for(world.county, START, END, today=TODAY)
    assert (figures.found, figures.resolved, figures.transferred_petition) == (1, 0, 1)
    assert str(figures.resolution_rate) == "0.0%"


def test_found_on_the_period_s_first_and_last_day_counts_the_days_outside_do_not(world):
    for day in (dt.date(2025, 12, 31), START, END, dt.date(2026, 4, 1)):
        fb.dispute(world.village_a1, found_on=day)
    assert figures_for(world.county, START, END, today=TODAY).found == 2
    # and the same edges for 化解, 受理 and 协议
    for day in (dt.date(2025, 12, 31), START, END, dt.date(2026, 4, 1)):
        d = fb.resolved(world.village_a2, found_on=dt.date(2025, 6, 1), resolved_on=day, accepted_on=day)
        fb.agreement(d, reached_on=day)
    figures = figures_for(world.township_a, START, END, today=TODAY)
    assert (figures.resolved, figures.accepted, figures.agreements) == (2, 2, 2)


def test_ladder_indicators_on_a_hand_counted_set(world):
    """化解 10: grid 2, village 3, township 4, county 1 → 村级 5/10, 乡级以下 9/10, 县级以下 10/10."""
    on = dt.date(2026, 2, 1)
    for level, count in ((Level.GRID, 2), (Level.VILLAGE, 3), (Level.TOWNSHIP, 4), (Level.COUNTY, 1)):
        for _ in range(count):
            fb.resolved(world.village_a1, found_on=on, resolved_on=on, level=level)
    figures = figures_for(world.county, START, END, today=TODAY)
    assert figures.village_rate == Rate(5, 10) and str(figures.village_rate) == "50.0%"
    assert figures.township_rate == Rate(9, 10) and str(figures.township_rate) == "90.0%"
    assert figures.county_rate == Rate(10, 10) and str(figures.county_rate) == "100.0%"


def test_success_rate_counts_mediated_against_failed_and_terminated(world):
    on = dt.date(2026, 2, 1)
    fb.resolved(world.village_a1, found_on=on, resolved_on=on)  # 调解成功
    fb.resolved(world.village_a1, found_on=on, resolved_on=on)  # 调解成功
    fb.resolved(
        world.village_a1, found_on=on, resolved_on=on, resolution=Resolution.SETTLED
    )  # 化解, not 调解
    fb.dispute(world.village_a1, found_on=on, state=State.FAILED, concluded_on=on)
    fb.dispute(world.village_a1, found_on=on, state=State.TERMINATED, concluded_on=on)
    figures = figures_for(world.county, START, END, today=TODAY)
    assert (figures.resolved, figures.mediated, figures.failed, figures.terminated) == (3, 2, 1, 1)
    assert figures.success_rate == Rate(2, 4)


def test_open_and_overdue(world):
    on = dt.date(2026, 3, 1)
    fb.dispute(world.village_a1, found_on=on, state=State.MEDIATING, due_on=TODAY - dt.timedelta(days=1))
    fb.dispute(world.village_a1, found_on=on, state=State.MEDIATING, due_on=TODAY)  # due today: in time
    fb.dispute(world.village_a1, found_on=on, state=State.REGISTERED, accept_due_on=dt.date(2026, 3, 4))
    fb.dispute(world.village_a1, found_on=on, state=State.ESCALATED, accept_due_on=TODAY)
    figures = figures_for(world.county, START, END, today=TODAY)
    assert figures.open == 4
    assert (figures.overdue_mediation, figures.overdue_accept, figures.overdue) == (1, 1, 2)


def test_escalations_by_level_in_the_period(world):
    d = fb.dispute(world.village_a1, found_on=dt.date(2026, 1, 5), level=Level.COUNTY)
    fb.escalation(d, to_level=Level.VILLAGE, escalated_on=dt.date(2025, 12, 31))  # before the period
    fb.escalation(d, to_level=Level.TOWNSHIP, escalated_on=START)
    fb.escalation(d, to_level=Level.COUNTY, escalated_on=END)
    figures = figures_for(world.county, START, END, today=TODAY)
    assert (figures.escalated_village, figures.escalated_township, figures.escalated_county) == (0, 1, 1)
    assert figures.escalated == 2


def test_follow_up_rate_on_its_definition(world):
    """Due in the period: visited on the due day counts, the day after does not, no visit does not."""
    on, due = dt.date(2026, 1, 10), dt.date(2026, 2, 10)
    on_time = fb.resolved(world.village_a1, found_on=on, resolved_on=on)
    fb.agreement(on_time, reached_on=on, follow_up_due_on=due)
    fb.follow_up(on_time, visited_on=due)
    late = fb.resolved(world.village_a1, found_on=on, resolved_on=on)
    fb.agreement(late, reached_on=on, follow_up_due_on=due)
    fb.follow_up(late, visited_on=due + dt.timedelta(days=1))
    never = fb.resolved(world.village_a1, found_on=on, resolved_on=on)
    fb.agreement(never, reached_on=on, follow_up_due_on=due)
    # due after the period: not counted at all
    later = fb.resolved(world.village_a1, found_on=on, resolved_on=on)
    fb.agreement(later, reached_on=on, follow_up_due_on=dt.date(2026, 4, 1))
    figures = figures_for(world.county, START, END, today=TODAY)
    assert figures.follow_up_rate == Rate(1, 3)


def test_performance_rate_reads_the_latest_follow_up(world):
    on = dt.date(2026, 2, 1)
    performed_late = fb.resolved(world.village_a1, found_on=on, resolved_on=on)
    fb.agreement(performed_late, reached_on=on)
    fb.follow_up(performed_late, visited_on=dt.date(2026, 2, 10), performance=Performance.UNPERFORMED)
    fb.follow_up(performed_late, visited_on=dt.date(2026, 2, 20), performance=Performance.PERFORMED)
    relapsed = fb.resolved(world.village_a1, found_on=on, resolved_on=on)
    fb.agreement(relapsed, reached_on=on, form=Agreement.Form.ORAL)
    fb.follow_up(relapsed, visited_on=dt.date(2026, 2, 10), performance=Performance.PERFORMED)
    fb.follow_up(relapsed, visited_on=dt.date(2026, 2, 20), performance=Performance.PARTIAL)
    not_visited = fb.resolved(world.village_a1, found_on=on, resolved_on=on)
    fb.agreement(not_visited, reached_on=on)
    figures = figures_for(world.county, START, END, today=TODAY)
    assert (figures.agreements_written, figures.agreements_oral) == (2, 1)
    assert figures.performance_rate == Rate(1, 2)


def test_confirmations_valid_and_out_of_time(world):
    on = dt.date(2026, 2, 1)
    d = fb.resolved(world.village_a1, found_on=on, resolved_on=on)
    fb.confirmation(d, applied_on=on, outcome="valid")
    fb.confirmation(d, applied_on=on, in_time=False)
    fb.confirmation(d, applied_on=dt.date(2025, 12, 1), outcome="valid")
    figures = figures_for(world.county, START, END, today=TODAY)
    assert (figures.confirmations, figures.confirmations_valid, figures.confirmations_late) == (2, 1, 1)


def test_petitions_year_on_year_backlog_and_oldest(world):
    a1 = world.village_a1
    # this period: 2 petitions, one of them beyond level; the same period last year: 4 here, 2 below
    fb.dispute(
        a1, found_on=dt.date(2026, 2, 1), petition_started_on=dt.date(2026, 2, 1), petition_beyond_level=True
    )
    fb.dispute(a1, found_on=dt.date(2026, 2, 1), petition_started_on=dt.date(2026, 3, 31), state=State.FAILED)
    for day in (dt.date(2025, 1, 1), dt.date(2025, 3, 31), dt.date(2025, 2, 1), dt.date(2025, 2, 2)):
        fb.dispute(a1, found_on=day, petition_started_on=day, state=State.CLOSED)
    fb.dispute(
        a1, found_on=dt.date(2024, 12, 31), petition_started_on=dt.date(2024, 12, 31), state=State.CLOSED
    )
    # 积案 (365 days by default): open with a petition started on or before today - 365 days
    fb.dispute(a1, found_on=dt.date(2016, 3, 1), petition_started_on=dt.date(2016, 3, 1))
    fb.dispute(a1, found_on=dt.date(2025, 4, 15), petition_started_on=TODAY - dt.timedelta(days=365))
    fb.dispute(a1, found_on=dt.date(2025, 4, 16), petition_started_on=TODAY - dt.timedelta(days=364))
    # 积案化解: resolved in the period, petition started at least 365 days before resolved_on
    fb.resolved(
        a1,
        found_on=dt.date(2015, 1, 1),
        resolved_on=dt.date(2026, 3, 1),
        petition_started_on=dt.date(2015, 1, 1),
    )
    # (365 days exactly counts, 364 does not; both petitions fall in last year's period too)
    fb.resolved(
        a1,
        found_on=dt.date(2025, 3, 1),
        resolved_on=dt.date(2026, 3, 1),
        petition_started_on=dt.date(2025, 3, 1),
    )
    fb.resolved(
        a1,
        found_on=dt.date(2025, 3, 2),
        resolved_on=dt.date(2026, 3, 1),
        petition_started_on=dt.date(2025, 3, 2),
    )
    figures = figures_for(world.county, START, END, today=TODAY)
    assert (figures.petitions, figures.petitions_last_year) == (2, 6)
    assert figures.petition_change_text == "-66.7%"
    assert figures.beyond_level == 1
    assert figures.backlog == 2
    assert figures.backlog_resolved == 2
    assert figures.oldest_petition_on == dt.date(2016, 3, 1)
    assert figures.oldest_petition_text == "10年45天"  # 1 March 2016 → 1 March 2026, then 45 days


def test_change_percent_rounds_half_up():
    assert change_percent(1, 0) is None
    assert change_percent(3, 2) == 50
    assert str(change_percent(1, 3)) == "-66.7"
    assert str(change_percent(17, 16)) == "6.3"  # 1/16 = 6.25 → 6.3


def test_network_grids_workers_and_committees(world):
    from regions.roles import Role
    from regions.services.posts import post_grant
    from tests.conftest import make_user

    g1 = fb.grid(world.village_a1, "一网格")
    fb.grid(world.village_a1, "二网格")
    fb.grid(world.village_a1, "旧网格", is_active=False)
    fb.grid(world.village_b1, "一网格")
    fb.committee(world.village_a1)
    fb.committee(world.village_a2, is_active=False)
    worker = make_user("grid_worker_x")
    post_grant(actor=None, user=worker, role=Role.GRID_ASSISTANT, region=world.village_a1, grid=g1)
    figures = figures_for(world.county, START, END, today=TODAY)
    # village_a1_readonly of the world holds a grid-worker post in A1's whole-village grid
    assert (figures.grids, figures.grid_workers) == (4, 2)
    assert figures.committee_coverage == Rate(1, 3)
    villages = figures_by_village(world.county, START, END, today=TODAY)
    a1 = villages[world.village_a1.pk].figures
    assert (a1.grids, a1.grid_workers, a1.villages_with_committee) == (3, 2, 1)


def test_county_total_equals_the_sum_of_its_villages_and_townships(world):
    """Reconcile: figures_for(county) (its own aggregates) equals the sum of the villages and the sum of
    the townships; a dispute of each village counts in its own village only."""
    on = dt.date(2026, 2, 1)
    for village, n in ((world.village_a1, 3), (world.village_a2, 1), (world.village_b1, 2)):
        for _ in range(n):
            d = fb.resolved(village, found_on=on, resolved_on=on, level=Level.TOWNSHIP)
            fb.agreement(d, reached_on=on, follow_up_due_on=on)
            fb.follow_up(d, visited_on=on)
            fb.escalation(d, to_level=Level.TOWNSHIP, escalated_on=on)
            fb.confirmation(d, applied_on=on)
        fb.dispute(village, found_on=on, petition_started_on=dt.date(2020, 1, 1))
    county = figures_for(world.county, START, END, today=TODAY)
    villages = figures_by_village(world.county, START, END, today=TODAY)
    assert sum_figures((v.figures for v in villages.values()), TODAY) == county
    townships = figures_for(world.township_a, START, END, today=TODAY) + figures_for(
        world.township_b, START, END, today=TODAY
    )
    assert townships == county
    assert (county.found, county.resolved, county.escalated, county.confirmations, county.backlog) == (
        9,
        6,
        6,
        6,
        3,
    )
    assert villages[world.village_a1.pk].figures.found == 4
