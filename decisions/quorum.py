"""Quorum and majority of each body, in integer arithmetic (no rounding at the boundaries).

- 村党组织会议 and 村两委联席会议: more than half of the members present; passes with more than half of
  those present.
- 党员大会: more than half of the members entitled to vote present; passes when votes for exceed half of
  the members entitled to vote (not of those present).
- 村民代表会议: at least two thirds of the representatives present; passes with more than half of those
  present.
- 村民会议: more than half of the villagers aged 18+ present, or representatives of at least two thirds of
  the households; passes with more than half of those present.
"""

from __future__ import annotations

from dataclasses import dataclass

from decisions.models import Body


@dataclass(frozen=True)
class Count:
    entitled: int
    present: int
    votes_for: int = 0
    households_total: int | None = None
    households_present: int | None = None


def quorum_met(body: str, c: Count) -> bool:
    if body == Body.REPRESENTATIVES:
        return 3 * c.present >= 2 * c.entitled
    if body == Body.VILLAGERS:
        by_households = (
            bool(c.households_total)
            and c.households_present is not None
            and 3 * c.households_present >= 2 * c.households_total
        )
        return 2 * c.present > c.entitled or by_households
    return 2 * c.present > c.entitled


def vote_passes(body: str, c: Count) -> bool:
    """Only meaningful when the quorum is met."""
    if body == Body.PARTY_CONGRESS:
        return 2 * c.votes_for > c.entitled
    return 2 * c.votes_for > c.present


def evaluate(body: str, c: Count) -> tuple[bool, bool | None]:
    """(quorum met, passed); passed is None when the meeting was not held for want of a quorum."""
    if not quorum_met(body, c):
        return False, None
    return True, vote_passes(body, c)


def rule_text(body: str) -> str:
    """The rule in words, shown beside the meeting form."""
    return {
        Body.PARTY_ORGANIZATION: "过半数委员到会方可开会；赞成票超过到会人数的一半为通过。",
        Body.TWO_COMMITTEES: "过半数两委成员到会方可开会；赞成票超过到会人数的一半为通过。",
        Body.PARTY_CONGRESS: "有表决权的党员过半数到会方可开会；赞成票超过应到会有表决权党员的一半为通过。",
        Body.REPRESENTATIVES: "三分之二以上村民代表到会方可开会；赞成票超过到会人数的一半为通过。",
        Body.VILLAGERS: "18周岁以上村民过半数到会，或三分之二以上户的代表到会，方可开会；赞成票超过到会人数的一半为通过。",
    }[body]
