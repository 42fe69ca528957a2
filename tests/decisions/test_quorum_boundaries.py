"""decisions.quorum on every boundary (mutation run, docs/mutation.md): each body's quorum and pass rule,
and the two-thirds majority, checked against the rules written out again with exact fractions for every
small meeting (0-12 entitled); the figures of ``explain`` against a plain linear search; and the words
the forms, the record book and the bulletin show."""

from __future__ import annotations

from fractions import Fraction

import pytest

from decisions import quorum
from decisions.models import Body, Majority
from decisions.quorum import Count

HALF, TWO_THIRDS = Fraction(1, 2), Fraction(2, 3)
OF_ALL = {Body.PARTY_ORGANIZATION, Body.TWO_COMMITTEES, Body.PARTY_CONGRESS}
SIZES = range(13)


def quorum_oracle(body, entitled, present, households_total=None, households_present=None) -> bool:
    if body == Body.REPRESENTATIVES:
        return present >= TWO_THIRDS * entitled  # "三分之二以上" includes two thirds
    by_persons = present > HALF * entitled  # "过半数": exactly half is not enough
    if body == Body.VILLAGERS and households_total and households_present is not None:
        return by_persons or households_present >= TWO_THIRDS * households_total
    return by_persons


def pass_oracle(body, entitled, present, votes_for, majority=Majority.STANDARD) -> bool:
    if majority == Majority.TWO_THIRDS:
        return votes_for >= TWO_THIRDS * entitled
    return votes_for > HALF * (entitled if body in OF_ALL else present)


def meetings():
    for entitled in SIZES:
        for present in range(entitled + 1):
            yield entitled, present


@pytest.mark.parametrize("body", list(Body))
def test_the_quorum_of_every_small_meeting(body):
    for entitled, present in meetings():
        count = Count(entitled=entitled, present=present)
        assert quorum.quorum_met(body, count) == quorum_oracle(body, entitled, present), (entitled, present)


def test_the_villagers_meeting_by_households():
    for total in range(1, 13):
        for households in range(total + 1):
            for present in (0, 5, 6):
                count = Count(
                    entitled=10, present=present, households_total=total, households_present=households
                )
                expected = quorum_oracle(Body.VILLAGERS, 10, present, total, households)
                assert quorum.quorum_met(Body.VILLAGERS, count) == expected, (total, households, present)
    # No household figures (or none in the village): persons alone decide, whatever else is given.
    assert not quorum.quorum_met(
        Body.VILLAGERS, Count(entitled=10, present=5, households_total=0, households_present=0)
    )
    assert not quorum.quorum_met(Body.VILLAGERS, Count(entitled=10, present=5, households_total=9))
    assert not quorum.quorum_met(Body.VILLAGERS, Count(entitled=10, present=5, households_present=9))
    assert quorum.quorum_met(Body.VILLAGERS, Count(entitled=10, present=6, households_total=9))
    # Households count for the 村民会议 only.
    for body in set(Body) - {Body.VILLAGERS}:
        count = Count(entitled=10, present=0, households_total=3, households_present=3)
        assert not quorum.quorum_met(body, count)


@pytest.mark.parametrize("majority", list(Majority))
@pytest.mark.parametrize("body", list(Body))
def test_the_vote_of_every_small_meeting(body, majority):
    for entitled, present in meetings():
        for votes_for in range(present + 1):
            count = Count(entitled=entitled, present=present, votes_for=votes_for)
            expected = pass_oracle(body, entitled, present, votes_for, majority)
            assert quorum.vote_passes(body, count, majority) == expected, (entitled, present, votes_for)
            assert quorum.vote_passes(body, count) == pass_oracle(body, entitled, present, votes_for)
            met = quorum_oracle(body, entitled, present)
            assert quorum.evaluate(body, count, majority) == (met, expected if met else None)
            assert quorum.evaluate(body, count) == (
                met,
                pass_oracle(body, entitled, present, votes_for) if met else None,
            )


def test_a_count_has_no_votes_and_no_households_unless_given():
    count = Count(entitled=5, present=3)
    assert (count.votes_for, count.households_total, count.households_present) == (0, None, None)


def least(holds, upper):
    return next((x for x in range(upper + 1) if holds(x)), None)


@pytest.mark.parametrize("majority", list(Majority))
@pytest.mark.parametrize("body", list(Body))
def test_the_figures_of_explain_are_the_least_that_suffice(body, majority):
    for entitled, present in meetings():
        for votes_for in {0, present // 2, present}:
            count = Count(entitled=entitled, present=present, votes_for=votes_for)
            outcome = quorum.explain(body, count, majority)
            met = quorum_oracle(body, entitled, present)
            min_present = least(lambda p, e=entitled: quorum_oracle(body, e, p), entitled)
            base = present if met or min_present is None else min_present
            min_for = least(
                lambda v, e=entitled, b=base: pass_oracle(body, e, b, v, majority), max(base, entitled)
            )
            assert (outcome.quorum_met, outcome.passed) == (
                met,
                pass_oracle(body, entitled, present, votes_for, majority) if met else None,
            )
            assert (outcome.min_present, outcome.min_for, outcome.min_households) == (
                min_present,
                min_for,
                None,
            )
            assert (outcome.body, outcome.count, outcome.majority) == (body, count, majority)


def test_explain_without_a_majority_uses_the_bodys_rule():
    count = Count(entitled=9, present=7, votes_for=5)
    assert quorum.explain(Body.REPRESENTATIVES, count) == quorum.explain(
        Body.REPRESENTATIVES, count, Majority.STANDARD
    )
    assert quorum.explain(Body.REPRESENTATIVES, count).min_for == 4


def test_explain_counts_the_households_of_a_villagers_meeting():
    count = Count(entitled=10, present=2, households_total=9, households_present=6)
    outcome = quorum.explain(Body.VILLAGERS, count)
    assert (outcome.quorum_met, outcome.min_present, outcome.min_households) == (True, 6, 6)
    assert outcome.min_for == 2  # more than half of the 2 present
    assert (
        quorum.explain(Body.VILLAGERS, Count(entitled=10, present=2, households_total=1)).min_households == 1
    )
    assert (
        quorum.explain(Body.VILLAGERS, Count(entitled=10, present=2, households_total=0)).min_households
        is None
    )
    assert (
        quorum.explain(Body.REPRESENTATIVES, Count(entitled=10, present=2, households_total=9)).min_households
        is None
    )


def test_the_least_of_a_rule():
    assert quorum._least(lambda x: x >= 3, 10) == 3
    assert quorum._least(lambda x: x >= 0, 10) == 0
    assert quorum._least(lambda x: x >= 10, 10) == 10
    assert quorum._least(lambda x: x >= 11, 10) is None
    assert quorum._least(lambda x: True, 0) == 0
    assert quorum._least(lambda x: True, -1) is None
    for upper in range(1, 40):
        for threshold in range(upper + 1):
            assert quorum._least(lambda x, t=threshold: x >= t, upper) == threshold


def test_the_outcome_in_words():
    passed = quorum.explain(Body.REPRESENTATIVES, Count(entitled=30, present=20, votes_for=11))
    assert (
        passed.text
        == "需到会 ≥ 20 人，赞成 ≥ 11 票（赞成票须超过到会人数的一半）；实到 20 人，赞成 11 票，通过"
    )
    failed = quorum.explain(Body.PARTY_CONGRESS, Count(entitled=41, present=30, votes_for=20))
    assert (
        failed.text
        == "需到会 ≥ 21 人，赞成 ≥ 21 票（赞成票须超过应到人数（41人）的一半）；实到 30 人，赞成 20 票，未通过"
    )
    short = quorum.explain(Body.TWO_COMMITTEES, Count(entitled=7, present=3, votes_for=3))
    assert (
        short.text
        == "需到会 ≥ 4 人，赞成 ≥ 4 票（赞成票须超过应到人数（7人）的一半）；实到 3 人，未达到法定人数，会议不成立"
    )
    villagers = quorum.explain(Body.VILLAGERS, Count(entitled=10, present=2, votes_for=2, households_total=9))
    assert villagers.text == (
        "需到会 ≥ 6 人（或到会户代表 ≥ 6 户），赞成 ≥ 4 票（赞成票须超过到会人数的一半）；"
        "实到 2 人，到会户代表 0 户，未达到法定人数，会议不成立"
    )
    land = quorum.explain(
        Body.REPRESENTATIVES, Count(entitled=30, present=30, votes_for=20), Majority.TWO_THIRDS
    )
    assert (
        land.text
        == "需到会 ≥ 20 人，赞成 ≥ 20 票（须经全体应到人员（30人）三分之二以上同意）；实到 30 人，赞成 20 票，通过"
    )
    assert land.basis == "须经全体应到人员（30人）三分之二以上同意"
    # No one entitled to vote: no meeting can be held, no figure is given.
    nobody = quorum.Outcome(
        Body.PARTY_CONGRESS, Count(entitled=0, present=0), Majority.STANDARD, False, None, None, None, None
    )
    assert nobody.text == "无法达到法定人数；实到 0 人，未达到法定人数，会议不成立"


def test_the_rules_in_words():
    assert quorum.rule_text(Body.PARTY_CONGRESS) == (
        "有表决权的党员过半数到会方可开会（恰好半数到会按未达到法定人数处理）；赞成票超过应到会有表决权党员的一半为通过。"
    )
    assert quorum.rule_text(Body.REPRESENTATIVES, Majority.TWO_THIRDS) == (
        "村民代表会议组成人员（村民委员会成员和村民代表）三分之二以上到会方可开会；"
        "本类事项须经全体应到人员三分之二以上同意（按应到人数计算，不是到会人数）。"
    )
    assert quorum.rule_text(Body.VILLAGERS, Majority.STANDARD).endswith("；赞成票超过到会人数的一半为通过。")
    for body in OF_ALL:
        assert quorum.pass_basis(body, 7) == "赞成票须超过应到人数（7人）的一半"
        assert quorum.pass_basis(body, 7, Majority.TWO_THIRDS) == "须经全体应到人员（7人）三分之二以上同意"
    for body in (Body.REPRESENTATIVES, Body.VILLAGERS):
        assert quorum.pass_basis(body, 7) == "赞成票须超过到会人数的一半"


def test_the_households_needed_are_counted_with_no_one_else_present():
    # One villager entitled: had the search counted one person present, the quorum would be met by persons
    # alone and no household would seem needed; two of three households are.
    outcome = quorum.explain(Body.VILLAGERS, Count(entitled=1, present=0, households_total=3))
    assert (outcome.min_present, outcome.min_households) == (1, 2)
