"""core.workflow's engine on its own (mutation run, docs/mutation.md): a small transitions table over the
proxy request's model exercises what the real tables use here and there: a mapping target, a condition
(``when``), a transition not offered as a button, its own permission, a closed record with and without its
own message, a custom refusal, changes and payload as dicts or callables, the version and the event."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from centers.models import ProxyRequest, ProxyRequestTimelineEvent
from centers.permissions import CHANGE_CENTER
from core.workflow import (
    EDITED_MEANWHILE,
    Transition,
    Workflow,
    lock_for_update,
    version_check,
    versioned_save,
)
from regions.roles import VIEW
from regions.scoping import RegionGuard
from tests.centers.builders import accept

pytestmark = pytest.mark.django_db

TABLE = [
    Transition("start", "承办", ("accepted",), "in_progress"),
    Transition("progress", "推进", ("accepted", "in_progress"), {"accepted": "in_progress"}, public=False),
    Transition("transfer", "转办", ("accepted",), None, when=lambda r: r.office == "特定科室"),
    Transition("return", "退回", ("accepted", "in_progress"), "returned", needs_reason=True, offer=False),
    Transition("urge", "督办", ("accepted",), None, perm=VIEW),
]


def workflow(**options) -> Workflow:
    return Workflow(
        model=ProxyRequest,
        state_field="status",
        event_model=ProxyRequestTimelineEvent,
        event_fk="proxy_request",
        transitions=TABLE,
        guard=RegionGuard(lambda r: r.village, "不是本村"),
        perm=CHANGE_CENTER,
        edited_meanwhile="已被改过",
        select_related=("village",),
        **options,
    )


def apply(flow, request, name, actor, **kwargs):
    with transaction.atomic():
        return flow.apply(request, name, actor=actor, version=request.version, **kwargs)


def test_target_from_a_string_none_or_a_mapping():
    assert TABLE[0].target_from("accepted") == "in_progress"
    assert TABLE[2].target_from("accepted") == "accepted"
    assert TABLE[1].target_from("accepted") == "in_progress"
    assert TABLE[1].target_from("in_progress") == "in_progress"


def test_allowed_follows_state_condition_offer_and_permission(world):
    flow = workflow()
    request = accept(world)
    request.office = ""
    assert flow["start"] is TABLE[0]
    assert [t.name for t in flow.allowed(request)] == ["start", "progress", "return", "urge"]
    request.office = "特定科室"
    assert [t.name for t in flow.allowed(request)] == ["start", "progress", "transfer", "return", "urge"]
    assert [t.name for t in flow.allowed(request, offered_only=True)] == [
        "start",
        "progress",
        "transfer",
        "urge",
    ]
    # The grid worker holds VIEW only: the one transition asking for VIEW.
    assert [t.name for t in flow.allowed(request, world.village_a1_readonly)] == ["urge"]
    assert [t.name for t in flow.allowed(request, world.township_b_officer)] == []
    assert flow.state_label(request) == "已受理"


def test_apply_saves_the_state_changes_version_and_one_event(world):
    flow = workflow()
    request = accept(world)
    version, events = request.version, request.timeline.count()
    done = apply(
        flow,
        request,
        "progress",
        world.village_a1_clerk,
        note="  已报送  ",
        changes=lambda locked: {"office": f"{locked.status}办"},
        payload=lambda saved: {"office": saved.office},
    )
    done.refresh_from_db()
    assert (done.status, done.office, done.version) == ("in_progress", "accepted办", version + 1)
    event = done.timeline.order_by("-id").first()
    assert done.timeline.count() == events + 1
    assert (event.kind, event.from_state, event.to_state, event.note) == (
        "progress",
        "accepted",
        "in_progress",
        "已报送",
    )
    assert (event.actor, event.is_public, event.payload) == (
        world.village_a1_clerk,
        False,
        {"office": "accepted办"},
    )
    again = apply(
        flow, done, "progress", world.village_a1_clerk, changes={"office": "乡镇"}, payload={"n": 1}
    )
    again.refresh_from_db()
    assert (again.status, again.office, again.version) == ("in_progress", "乡镇", version + 2)
    last = again.timeline.order_by("-id").first()
    assert (last.from_state, last.to_state, last.note, last.payload, last.is_public) == (
        "in_progress",
        "in_progress",
        "",
        {"n": 1},
        False,
    )
    started = apply(workflow(), accept(world), "start", world.village_a1_clerk)
    assert started.timeline.order_by("-id").first().is_public is True


def test_a_long_note_is_cut_to_300_characters(world):
    done = apply(workflow(), accept(world), "return", world.village_a1_clerk, note="长" * 301)
    assert done.timeline.order_by("-id").first().note == "长" * 300


def test_refusals_change_nothing(world):
    flow = workflow()
    request = accept(world)
    version = request.version
    assert request.office != "特定科室"
    with pytest.raises(ValidationError) as caught:
        apply(flow, request, "return", world.village_a1_clerk, note="   ")
    assert caught.value.messages == ["请填写原因。"]
    with pytest.raises(ValidationError) as caught:
        apply(flow, request, "transfer", world.village_a1_clerk)
    assert caught.value.messages == ["当前状态为“已受理”，不能“转办”。"]
    with pytest.raises(PermissionDenied) as caught:
        apply(flow, request, "start", world.township_b_officer)
    assert str(caught.value) == "不是本村"
    with pytest.raises(PermissionDenied):
        apply(flow, request, "start", world.village_a1_readonly)
    apply(flow, request, "urge", world.village_a1_readonly)  # its own permission: VIEW
    request.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        flow.apply(request, "start", actor=world.village_a1_clerk, version=version)
    assert caught.value.messages == ["已被改过"]

    def no(locked):
        raise ValidationError(f"不行：{locked.status}")

    with pytest.raises(ValidationError) as caught:
        apply(flow, request, "start", world.village_a1_clerk, check=no)
    assert caught.value.messages == ["不行：accepted"]
    request.refresh_from_db()
    assert (request.status, request.version) == ("accepted", version + 1)


def test_a_caller_holding_the_lock_skips_the_version_check(world):
    flow = workflow()
    request = accept(world)
    stale = request.version - 1
    with transaction.atomic():
        locked = flow.lock(request, request.version)
        done = flow.apply(request, "start", actor=None, version=stale, locked=locked)
    assert done is locked
    request.refresh_from_db()
    assert request.status == "in_progress"


def test_a_closed_record_refuses_everything_with_its_message(world):
    request = accept(world)
    closed = workflow(is_open=lambda r: r.office != "已关闭")
    request.office = "已关闭"
    assert closed.allowed(request) == []
    with pytest.raises(ValidationError) as caught:
        closed.check(request, "start")
    assert caught.value.messages == ["当前状态为“已受理”，不能“办理”。"]
    own = workflow(is_open=lambda r: r.office != "已关闭", closed_message=lambda r: f"{r.office}，不能再办")
    with pytest.raises(ValidationError) as caught:
        own.ensure_open(request)
    assert caught.value.messages == ["已关闭，不能再办"]
    request.office = ""
    assert [t.name for t in own.allowed(request)][:1] == ["start"]
    own.ensure_open(request)


def test_a_custom_refusal_and_its_fallback(world):
    request = accept(world)
    flow = workflow(refusal=lambda r, t: f"请先指定{r.item.name}的承办科室" if t.name == "transfer" else "")
    with pytest.raises(ValidationError) as caught:
        flow.check(request, "transfer")
    assert caught.value.messages == ["请先指定低保申请的承办科室"]
    request.status = "returned"
    with pytest.raises(ValidationError) as caught:
        flow.check(request, "start")
    assert caught.value.messages == ["当前状态为“已退回”，不能“承办”。"]
    request.status = "accepted"
    assert flow.check(request, "start") is TABLE[0]


def test_record_appends_an_event_without_changing_the_state(world):
    flow = workflow()
    request = accept(world)
    version = request.version
    event = flow.record(request, "urge", actor=world.township_a_officer, note=" 请加快 ", payload={"a": 1})
    assert (event.kind, event.from_state, event.to_state, event.note, event.payload, event.is_public) == (
        "urge",
        "accepted",
        "accepted",
        "请加快",
        {"a": 1},
        True,
    )
    assert event.actor == world.township_a_officer
    first = flow.record(request, "accept", actor=None, created=True, public=False)
    assert (first.from_state, first.to_state, first.payload, first.is_public, first.note) == (
        "",
        "accepted",
        {},
        False,
        "",
    )
    request.refresh_from_db()
    assert (request.status, request.version) == ("accepted", version)


def test_versioned_save_and_the_version_check(world):
    request = accept(world)
    version = request.version
    with transaction.atomic():
        locked = lock_for_update(ProxyRequest.objects.all(), request.pk, version=version)
        locked.office = "民政办"
        locked.applicant_name = "只在内存里"
        versioned_save(locked, ["office", "office"])
    request.refresh_from_db()
    assert (request.office, request.version, request.applicant_name) == ("民政办", version + 1, "赵大爷")
    version_check(request, None)
    version_check(request, version + 1)
    with pytest.raises(ValidationError) as caught:
        version_check(request, version)
    assert caught.value.messages == [EDITED_MEANWHILE]
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        lock_for_update(ProxyRequest.objects.all(), request.pk, version=version, message="旧了")
    assert caught.value.messages == ["旧了"]
