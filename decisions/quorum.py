"""Quorum and majority of each body, in integer arithmetic (no rounding at the boundaries; DOMAIN_RULES 0.3).

- 村党组织会议 and 村两委联席会议: more than half of the members present; passes when votes for exceed half
  of ALL members (应到会, DOMAIN_RULES C.1), not of those present. The 两委 are counted as distinct persons.
- 党员大会: more than half of the members entitled to vote present; passes when votes for exceed half of
  the members entitled to vote (not of those present).
- 村民代表会议: at least two thirds of its members (村民委员会成员 + 村民代表, 组织法 第25、26条) present;
  passes with more than half of those present.
- 村民会议: more than half of the villagers aged 18+ present, or representatives of at least two thirds of
  the households; passes with more than half of those present.
- A category may require two thirds of all entitled (Majority.TWO_THIRDS: land-contract matters), which
  replaces the body's pass rule; the caller passes the rule (the resolution step's category's).
"""

from __future__ import annotations

from dataclasses import dataclass

from decisions.models import Body, Majority

# Bodies whose votes are counted against all members (应到会), not those present.
OF_ALL_MEMBERS = (Body.PARTY_ORGANIZATION, Body.TWO_COMMITTEES, Body.PARTY_CONGRESS)


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


def vote_passes(body: str, c: Count, majority: str = Majority.STANDARD) -> bool:
    """Only meaningful when the quorum is met."""
    if majority == Majority.TWO_THIRDS:
        # "三分之二以上" includes two thirds (民法典 第1259条), of all entitled, not of those present.
        return 3 * c.votes_for >= 2 * c.entitled
    if body in OF_ALL_MEMBERS:
        return 2 * c.votes_for > c.entitled
    return 2 * c.votes_for > c.present


def evaluate(body: str, c: Count, majority: str = Majority.STANDARD) -> tuple[bool, bool | None]:
    """(quorum met, passed); passed is None when the meeting was not held for want of a quorum."""
    if not quorum_met(body, c):
        return False, None
    return True, vote_passes(body, c, majority)


_QUORUM_TEXT = {
    Body.PARTY_ORGANIZATION: "过半数委员到会方可开会",
    Body.TWO_COMMITTEES: "过半数两委成员（一人兼任多个职务只计一人）到会方可开会",
    # Exactly half present is read as no quorum (DOMAIN_RULES A.2.2): the step stays open, not rejected.
    Body.PARTY_CONGRESS: "有表决权的党员过半数到会方可开会（恰好半数到会按未达到法定人数处理）",
    Body.REPRESENTATIVES: "村民代表会议组成人员（村民委员会成员和村民代表）三分之二以上到会方可开会",
    Body.VILLAGERS: "18周岁以上村民过半数到会，或三分之二以上户的代表到会，方可开会",
}
_PASS_TEXT = {
    Body.PARTY_ORGANIZATION: "赞成票超过全体委员（应到会委员）人数的一半为通过",
    Body.TWO_COMMITTEES: "赞成票超过全体两委成员（应到人数）的一半为通过",
    Body.PARTY_CONGRESS: "赞成票超过应到会有表决权党员的一半为通过",
    Body.REPRESENTATIVES: "赞成票超过到会人数的一半为通过",
    Body.VILLAGERS: "赞成票超过到会人数的一半为通过",
}
TWO_THIRDS_TEXT = "本类事项须经全体应到人员三分之二以上同意（按应到人数计算，不是到会人数）"


def rule_text(body: str, majority: str = Majority.STANDARD) -> str:
    """The rule in words, shown beside the meeting form."""
    passing = TWO_THIRDS_TEXT if majority == Majority.TWO_THIRDS else _PASS_TEXT[body]
    return f"{_QUORUM_TEXT[body]}；{passing}。"


def pass_basis(body: str, entitled: int, majority: str = Majority.STANDARD) -> str:
    """The pass rule with its figure, as the confirmation, the record book and the bulletin show it."""
    if majority == Majority.TWO_THIRDS:
        return f"须经全体应到人员（{entitled}人）三分之二以上同意"
    if body in OF_ALL_MEMBERS:
        return f"赞成票须超过应到人数（{entitled}人）的一半"
    return "赞成票须超过到会人数的一半"


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
    majority: str
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
            need += f"，赞成 ≥ {self.min_for} 票（{self.basis}）"
        present = f"实到 {c.present} 人"
        if self.min_households is not None:
            present += f"，到会户代表 {c.households_present or 0} 户"
        if not self.quorum_met:
            return f"{need}；{present}，未达到法定人数，会议不成立"
        verdict = "通过" if self.passed else "未通过"
        return f"{need}；{present}，赞成 {c.votes_for} 票，{verdict}"

    @property
    def basis(self) -> str:
        return pass_basis(self.body, self.count.entitled, self.majority)


def explain(body: str, c: Count, majority: str = Majority.STANDARD) -> Outcome:
    """The result of ``evaluate`` with the attendance and votes it needed."""
    met, passed = evaluate(body, c, majority)
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
        lambda v: vote_passes(body, Count(entitled=c.entitled, present=base, votes_for=v), majority),
        max(base, c.entitled),
    )
    return Outcome(body, c, majority, met, passed, min_present, min_households, min_for)
