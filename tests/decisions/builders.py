"""Setup of the decisions tests through the services, as the village secretary would have recorded it:
a matter registered, its meetings passed, its disclosures posted. A test drives only the step it is about
through the real URL (the ``*_via`` / ``*_post`` helpers of tests/decisions/conftest.py).

The figures are the ones the HTTP helpers post (the same chair, recorder, place and counts), so a page shows
the same whichever way a step was taken.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from decisions import services
from decisions.models import Amendment, Disclosure, DisclosureReview, Matter, MatterCategory, Meeting
from decisions.services import DisclosureInput, MeetingInput, ReviewInput, RosterCounts

# The roster the boundary examples use: 41 party members, 30 representatives. No 村民委员会 members
# in the assembly here, so the 村民代表会议 counts the 30 representatives alone (tests/decisions/test_quorum.py
# takes the 7 + 30 assembly).
COUNTS = RosterCounts(
    branch_committee=5,
    party_members=41,
    committee_members=7,
    representatives=30,
    adults=900,
    households=300,
    village_committee=0,
)
BODY_OF = {
    "proposal": "party_organization",
    "consultation": "two_committees",
    "review": "party_congress",
    "resolution": "representatives",
}
ENTITLED_OF = {
    "party_organization": 5,
    "two_committees": 7,
    "party_congress": 41,
    "representatives": 30,
    "villagers": 900,
}
MEETING_STEPS = ("proposal", "consultation", "review", "resolution")

TITLE = "修建村东头文化广场"
CONTENT = "在村东头空地修建约800平方米的文化广场，含健身器材。"
CATEGORY = "公益事业的兴办和筹资筹劳方案及建设承包方案"
MEETING_PAPERS = {
    "place": "村委会会议室",
    "chair": "王书记",
    "recorder": "李会计",
    "minutes": "会议讨论了事项内容，与会人员充分发表意见后表决。",
}
RESOLUTION_TEXT = "决议：修建村东头文化广场，预算12万元。"


def zh(day: date) -> str:
    """A date as the pages write it (2026年11月21日), spelled out here rather than by the code under test."""
    return f"{day.year}年{day.month}月{day.day}日"


def weekday_ago(days: int) -> date:
    """The weekday (Monday to Friday) ``days`` days ago or the nearest one before it: a 7-day period posted
    on it ends on the same weekday a week later, with no weekend to move the end (民法典 第203条)."""
    day = timezone.localdate() - timedelta(days=days)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def roster_for(village, *, actor=None, counts: RosterCounts = COUNTS, days_ago: int = 400):
    return services.roster_record(
        actor=actor,
        village=village,
        valid_from=timezone.localdate() - timedelta(days=days_ago),
        counts=counts,
    )


def matter_register(
    actor, village, title: str = TITLE, amount: str = "120000.00", category: str = CATEGORY
) -> Matter:
    return services.matter_register(
        actor=actor,
        village=village,
        category=MatterCategory.objects.get(name=category),
        title=title,
        content=CONTENT,
        estimated_amount=Decimal(amount) if amount else None,
        proposed_by="村党组织",
    )


def meeting_record(
    actor,
    matter: Matter,
    step: str,
    *,
    present: int,
    votes_for: int,
    votes_against: int = 0,
    held_on: date | None = None,
    body: str | None = None,
) -> Meeting:
    """The meeting of ``step`` with these counts (entitled from the roster); the matter is refreshed."""
    matter.refresh_from_db()
    body = body or BODY_OF[step]
    meeting = services.meeting_record(
        actor=actor,
        matter=matter,
        version=matter.version,
        data=MeetingInput(
            step=step,
            body=body,
            held_on=held_on or timezone.localdate(),
            entitled=ENTITLED_OF[body],
            present=present,
            votes_for=votes_for,
            votes_against=votes_against,
            # 组织法 第21条: ten days' notice of a 村民会议, the least that is enough.
            notice_on=(held_on or timezone.localdate()) - timedelta(days=10) if body == "villagers" else None,
            **MEETING_PAPERS,
        ),
    )
    matter.refresh_from_db()
    return meeting


def step_pass(actor, matter: Matter, step: str, held_on: date | None = None) -> Matter:
    """Everyone entitled present and for: the step passes."""
    entitled = ENTITLED_OF[BODY_OF[step]]
    meeting_record(actor, matter, step, present=entitled, votes_for=entitled, held_on=held_on)
    return matter


def take_to(actor, matter: Matter, step: str, held_on: date | None = None) -> Matter:
    """Passes every meeting step before ``step`` (all held on ``held_on``, default today)."""
    for earlier in MEETING_STEPS[: MEETING_STEPS.index(step)]:
        step_pass(actor, matter, earlier, held_on=held_on)
    return matter


def take_to_resolution(actor, matter: Matter, start: date | None = None) -> Matter:
    """Proposal, consultation and review passed (all on ``start``, default today)."""
    return take_to(actor, matter, "resolution", held_on=start)


def resolve(actor, matter: Matter, held_on: date | None = None) -> Matter:
    """All four meetings passed on ``held_on``: the matter waits for its resolution's disclosure."""
    take_to_resolution(actor, matter, start=held_on)
    return step_pass(actor, matter, "resolution", held_on=held_on)


def review_submit(
    actor, matter: Matter, kind: str, *, text: str = RESOLUTION_TEXT, spent_amount=None, acceptance: str = ""
) -> DisclosureReview:
    """The village sends the content of a posting to its supervision committee."""
    return services.review_submit(
        actor=actor,
        matter=matter,
        kind=kind,
        data=ReviewInput(text=text, spent_amount=spent_amount, acceptance=acceptance),
    )


def review_agree(
    actor, matter: Matter, kind: str, *, text: str = RESOLUTION_TEXT, spent_amount=None, acceptance: str = ""
) -> DisclosureReview:
    """Sent for review by ``actor`` and agreed by the committee (the system acting for it: no persona)."""
    review = review_submit(actor, matter, kind, text=text, spent_amount=spent_amount, acceptance=acceptance)
    return services.review_decide(actor=None, review=review, verdict="agree")


def amendment_confirm(amendment) -> Amendment:
    """The committee confirms a correction of substance (the system acting for it): in force from today,
    with a new period."""
    return services.amendment_signoff(actor=None, amendment=amendment, verdict="confirmed")


def amend(actor, disclosure: Disclosure, field: str, corrected: str, reason: str = "笔误") -> Amendment:
    """A correction proposed by ``actor`` and, when it needs it, confirmed by the committee."""
    amendment = services.amendment_create(
        actor=actor, disclosure=disclosure, field=field, corrected=corrected, reason=reason
    )
    return amendment_confirm(amendment) if amendment.needs_signoff else amendment


def disclose(
    actor,
    matter: Matter,
    *,
    posted_on: date,
    text: str = RESOLUTION_TEXT,
    result: bool = False,
    spent_amount: str = "118500.00",
    acceptance: str = "2026年镇村联合验收合格",
    board_photo=None,
) -> Disclosure:
    """Posts the resolution (or with ``result`` the result), optionally with the board's photo, after the
    village's supervision committee agreed to exactly that content (``review_agree``); the matter is
    refreshed."""
    matter.refresh_from_db()
    kind = Disclosure.Kind.RESULT if result else Disclosure.Kind.RESOLUTION
    data = DisclosureInput(
        text=text,
        posted_on=posted_on,
        spent_amount=Decimal(spent_amount) if result else None,
        acceptance=acceptance if result else "",
    )
    review_agree(actor, matter, kind, text=text, spent_amount=data.spent_amount, acceptance=data.acceptance)
    disclosure = services.disclosure_post(
        actor=actor, matter=matter, version=matter.version, kind=kind, data=data, board_photo=board_photo
    )
    matter.refresh_from_db()
    return disclosure


def disclosed_matter(actor, village, title: str, *, days_ago: int = 20) -> Matter:
    """Resolved ``days_ago`` days ago and posted the day after, with the text the bulletin tests look for."""
    matter = matter_register(actor, village, title=title)
    start = timezone.localdate() - timedelta(days=days_ago)
    resolve(actor, matter, held_on=start)
    disclose(actor, matter, posted_on=start + timedelta(days=1), text=f"决议：{title}，同意实施。")
    return matter
