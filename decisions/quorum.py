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


def _least(holds, upper: int) -> int | None:
    """The smallest x in 0..upper for which ``holds(x)`` (a rule that, once met, stays met as x grows)."""
    if upper < 0 or not holds(upper):
        return None
    low, high = 0, upper
    while low < high:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + 1
    return low


@dataclass(frozen=True)
class Outcome:
    """A meeting's result with the figures it was decided on, for the confirmation shown before a meeting
    is frozen. The thresholds are searched with quorum_met and vote_passes themselves, so the rule is
    written once (above) and the figures can never disagree with the result."""

    body: str
    count: Count
    quorum_met: bool
    passed: bool | None
    min_present: int | None  # persons needed present
    min_households: int | None  # or households represented (村民会议 only)
    min_for: int | None  # votes for needed, at the actual attendance (or at the least that makes a quorum)

    @property
    def text(self) -> str:
        c = self.count
        need = f"需到会 ≥ {self.min_present} 人" if self.min_present is not None else "无法达到法定人数"
        if self.min_households is not None:
            need += f"（或到会户代表 ≥ {self.min_households} 户）"
        if self.min_for is not None:
            need += f"，赞成 ≥ {self.min_for} 票"
        present = f"实到 {c.present} 人"
        if self.min_households is not None:
            present += f"，到会户代表 {c.households_present or 0} 户"
        if not self.quorum_met:
            return f"{need}；{present}，未达到法定人数，会议不成立"
        verdict = "通过" if self.passed else "未通过"
        return f"{need}；{present}，赞成 {c.votes_for} 票，{verdict}"


def explain(body: str, c: Count) -> Outcome:
    """The result of ``evaluate`` with the attendance and votes it needed."""
    met, passed = evaluate(body, c)
    min_present = _least(lambda p: quorum_met(body, Count(entitled=c.entitled, present=p)), c.entitled)
    min_households = None
    if body == Body.VILLAGERS and c.households_total:
        total = c.households_total
        min_households = _least(
            lambda h: quorum_met(
                body, Count(entitled=c.entitled, present=0, households_total=total, households_present=h)
            ),
            total,
        )
    # Votes needed at the attendance there was, or, without a quorum, at the least attendance that has one.
    base = c.present if met or min_present is None else min_present
    min_for = _least(
        lambda v: vote_passes(body, Count(entitled=c.entitled, present=base, votes_for=v)),
        max(base, c.entitled),
    )
    return Outcome(body, c, met, passed, min_present, min_households, min_for)
