"""The supervision committee's objection (监委会异议): the village answers it, the committee closes it, the
township follows the open ones, and the next step's form warns while one is open. Through the real URLs."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse
from django.utils import timezone

from decisions.models import SupervisionOpinion
from decisions.services import opinion_record
from notifications.models import Notification
from regions.roles import Role
from tests.conftest import make_user
from tests.decisions.builders import matter_register, step_pass

pytestmark = pytest.mark.django_db

REASON = "未征求村民小组长意见"
ANSWER = "已于11月20日补充征求三个村民小组长意见，均无异议。"


@pytest.fixture
def supervisor(world):
    return make_user("a1_supervisor", Role.VILLAGE_SUPERVISOR, world.village_a1, real_name="监委会主任")


@pytest.fixture
def leader(world):
    return make_user("ta_leader", Role.TOWNSHIP_LEADER, world.township_a)


@pytest.fixture
def objection(world, roster, secretary, supervisor, leader):
    """An objection of village A1's committee to a matter at 两委商议."""
    matter = step_pass(secretary, matter_register(secretary, world.village_a1), "proposal")
    return opinion_record(actor=supervisor, matter=matter, verdict="object", reason=REASON)


def answer_url(opinion) -> str:
    return reverse("decisions:supervision-objection-answer", args=[opinion.pk])


def close_url(opinion) -> str:
    return reverse("decisions:supervision-objection-close", args=[opinion.pk])


def test_the_village_answers_the_objection_and_the_committee_is_told(world, objection, clerk, supervisor):
    response = clerk.post(answer_url(objection), {"answer": ANSWER})
    assert response.status_code == 302 and response.url == objection.matter.get_absolute_url()
    objection.refresh_from_db()
    assert objection.answer == ANSWER and objection.answered_by == world.village_a1_clerk
    assert abs((timezone.now() - objection.answered_at).total_seconds()) < 60
    assert objection.closed_at is None  # answered is not closed: the committee decides
    # On the matter's timeline, with the answer as its note (not public: opinions are not on the bulletin).
    event = objection.matter.timeline.get(kind="objection_answered")
    assert (event.actor, event.note, event.is_public) == (world.village_a1_clerk, ANSWER, False)
    assert event.payload == {"opinion_id": objection.pk, "step": "consultation"}
    told = Notification.objects.filter(kind="decision_objection_answered")
    assert list(told.values_list("recipient__username", flat=True)) == ["a1_supervisor"]
    # Audited: the answer is an update event of the opinion's history.
    assert objection.events.filter(pgh_label="update", answer=ANSWER).exists()
    page = clerk.get(objection.matter.get_absolute_url()).content.decode()
    assert ANSWER in page and "答复监委会异议" in page
    # Once only, with a clear message.
    clerk.post(answer_url(objection), {"answer": "再答一次"})
    objection.refresh_from_db()
    assert objection.answer == ANSWER


def test_an_answer_needs_text_and_only_an_objection_is_answered(world, objection, clerk, supervisor):
    response = clerk.post(answer_url(objection), {"answer": "   "}, follow=True)
    assert "请填写答复内容" in response.content.decode()
    objection.refresh_from_db()
    assert objection.answered_at is None
    agree = opinion_record(actor=supervisor, matter=objection.matter, verdict="agree")
    response = clerk.post(answer_url(agree), {"answer": ANSWER}, follow=True)
    assert "只有村务监督委员会的异议需要答复或关闭" in response.content.decode()
    agree.refresh_from_db()
    assert agree.answered_at is None


def test_who_may_answer(world, objection, supervisor, leader):
    """Only the village's own cadres answer; others who see the matter get 403, other villages 404."""
    for user in (supervisor, world.township_a_officer, world.village_a1_readonly, leader):
        assert world.client_for(user).post(answer_url(objection), {"answer": ANSWER}).status_code == 403
    assert (
        world.client_for(world.township_b_officer).post(answer_url(objection), {"answer": ANSWER}).status_code
        == 404
    )
    objection.refresh_from_db()
    assert objection.answered_at is None
    assert world.client_for(world.village_a1_clerk).get(answer_url(objection)).status_code == 405


def test_the_committee_closes_its_objection_after_the_answer(world, objection, clerk, supervisor, leader):
    committee = world.client_for(supervisor)
    response = committee.post(close_url(objection), {"note": ""}, follow=True)
    assert "村里尚未答复该异议，答复后才能关闭" in response.content.decode()
    objection.refresh_from_db()
    assert objection.closed_at is None
    clerk.post(answer_url(objection), {"answer": ANSWER})
    response = committee.post(close_url(objection), {"note": "答复属实，同意关闭"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.closed_by == supervisor and objection.close_note == "答复属实，同意关闭"
    assert objection.closed_at >= objection.answered_at
    event = objection.matter.timeline.get(kind="objection_closed")
    assert (event.actor, event.note) == (supervisor, "答复属实，同意关闭")
    told = Notification.objects.filter(kind="decision_objection_closed")
    assert set(told.values_list("recipient__username", flat=True)) == {"township_a_officer", "ta_leader"}
    response = committee.post(close_url(objection), {"note": ""}, follow=True)
    assert "该异议已经关闭" in response.content.decode()
    assert told.count() == 2


def test_who_may_close(world, objection, clerk, supervisor, leader):
    """The committee closes its own objection: the village it objects to cannot, nor the township (DOMAIN_RULES
    B.2.2: the committee supervises the village); another township's officer gets 404."""
    clerk.post(answer_url(objection), {"answer": ANSWER})
    for user in (world.village_a1_clerk, world.township_a_officer, leader, world.village_a1_readonly):
        assert world.client_for(user).post(close_url(objection), {"note": ""}).status_code == 403
    assert (
        world.client_for(world.township_b_officer).post(close_url(objection), {"note": ""}).status_code == 404
    )
    other_committee = make_user("a2_supervisor", Role.VILLAGE_SUPERVISOR, world.village_a2)
    assert world.client_for(other_committee).post(close_url(objection), {"note": ""}).status_code == 404
    objection.refresh_from_db()
    assert objection.closed_at is None


def test_the_opinion_itself_never_changes(world, objection, clerk):
    """The database keeps the opinion as recorded; the answer and the closing are each written once."""
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        SupervisionOpinion.objects.filter(pk=objection.pk).update(reason="改过的理由")
    clerk.post(answer_url(objection), {"answer": ANSWER})
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        SupervisionOpinion.objects.filter(pk=objection.pk).update(answer="另一个答复")
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        SupervisionOpinion.objects.filter(pk=objection.pk).delete()
    objection.refresh_from_db()
    assert (objection.reason, objection.answer) == (REASON, ANSWER)


def test_the_township_sees_open_objections_until_closed(world, objection, clerk, supervisor):
    township = world.client_for(world.township_a_officer)
    oversight = township.get(reverse("decisions:oversight")).content.decode()
    section = oversight[oversight.index('id="objections"') :]
    assert "未关闭的村务监督委员会异议（共1条" in section and REASON in section and "未答复" in section
    listing = township.get(reverse("decisions:matter-list")).content.decode()
    assert "监委会异议未关闭的事项：1件" in listing
    # The filter shows only the matters with an open objection.
    matter_register(world.village_a1_clerk, world.village_a1, title="没有异议的事项")
    filtered = township.get(reverse("decisions:matter-list") + "?objection=open").content.decode()
    assert objection.matter.title in filtered and "没有异议的事项" not in filtered
    clerk.post(answer_url(objection), {"answer": ANSWER})
    section = township.get(reverse("decisions:oversight")).content.decode()
    assert "已答复，待监委会关闭" in section
    world.client_for(supervisor).post(close_url(objection), {"note": ""})
    oversight = township.get(reverse("decisions:oversight")).content.decode()
    assert "未关闭的村务监督委员会异议（共0条" in oversight
    assert "监委会异议未关闭的事项" not in township.get(reverse("decisions:matter-list")).content.decode()
    filtered = township.get(reverse("decisions:matter-list") + "?objection=open").content.decode()
    assert objection.matter.title not in filtered
    # Another township does not see them at all.
    other = world.client_for(world.township_b_officer).get(
        reverse("decisions:matter-list") + "?objection=open"
    )
    assert objection.matter.title not in other.content.decode()


def test_the_next_meeting_form_warns_while_an_objection_is_open(world, objection, clerk, supervisor):
    """A warning, not a block: DOMAIN_RULES (A.1 D15, A.2.7) makes no opinion a condition of the next step."""
    url = reverse("decisions:meeting-create", args=[objection.matter.pk])
    page = clerk.get(url).content.decode()
    assert 'id="open-objections"' in page and REASON in page and "尚未答复" in page
    clerk.post(answer_url(objection), {"answer": ANSWER})
    assert "已答复，待监委会关闭" in clerk.get(url).content.decode()
    world.client_for(supervisor).post(close_url(objection), {"note": ""})
    assert 'id="open-objections"' not in clerk.get(url).content.decode()
