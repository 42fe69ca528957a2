"""Oversight, reminders, the supervision committee, the record book, meeting papers and categories."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from centers.roles import Role
from decisions.models import Matter, MatterCategory, MeetingAttachment, Step, SupervisionOpinion
from decisions.services import decision_reminders_send
from notifications.models import Notification
from tests.conftest import make_user, png_bytes
from tests.decisions.conftest import (
    disclose_post,
    matter_register_via,
    meeting_post,
    pass_step,
    take_to_resolution,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(world):
    return make_user("a1_supervisor", Role.VILLAGE_SUPERVISOR, world.village_a1, real_name="监委会主任")


def test_the_supervision_committee_objects_and_the_township_is_told_once(world, roster, clerk, supervisor):
    make_user("ta_leader", Role.TOWNSHIP_LEADER, world.township_a)
    matter = matter_register_via(clerk, world.village_a1)
    pass_step(clerk, matter, "proposal")
    url = reverse("decisions:opinion-create", args=[matter.pk])
    # Village cadres and township officials cannot write the committee's opinion.
    assert clerk.post(url, {"verdict": "agree"}).status_code == 403
    assert world.client_for(world.township_a_officer).post(url, {"verdict": "agree"}).status_code == 403
    client = world.client_for(supervisor)
    client.post(url, {"verdict": "object", "reason": ""})
    assert not SupervisionOpinion.objects.exists()  # an objection needs its reason
    response = client.post(url, {"verdict": "object", "reason": "未征求村民小组长意见"})
    assert response.status_code == 302
    opinion = SupervisionOpinion.objects.get()
    assert opinion.step == Step.CONSULTATION
    told = Notification.objects.filter(kind="decision_objection")
    assert set(told.values_list("recipient__username", flat=True)) == {"township_a_officer", "ta_leader"}
    client.post(url, {"verdict": "agree"})
    assert told.count() == 2
    oversight = world.client_for(world.township_a_officer).get(
        reverse("decisions:oversight") + f"?region={world.township_a.code}").content.decode()
    assert "未征求村民小组长意见" in oversight
    assert "未征求村民小组长意见" not in world.client_for(world.township_b_officer).get(
        reverse("decisions:oversight") + f"?region={world.township_b.code}").content.decode()


def test_stuck_and_late_matters_on_the_oversight_page(world, roster, clerk):
    today = timezone.localdate()
    stuck = matter_register_via(clerk, world.village_a1, title="停滞的事项")
    Matter.objects.filter(pk=stuck.pk).update(step_since=today - timedelta(days=31))
    fresh = matter_register_via(clerk, world.village_a1, title="刚好三十天的事项")
    Matter.objects.filter(pk=fresh.pk).update(step_since=today - timedelta(days=30))
    # A resolution 61 days after the proposal is late; 60 days is not.
    late = matter_register_via(clerk, world.village_a1, title="决议超时的事项")
    pass_step(clerk, late, "proposal", held_on=today - timedelta(days=61))
    for step in ("consultation", "review", "resolution"):
        pass_step(clerk, late, step, held_on=today)
    in_time = matter_register_via(clerk, world.village_a1, title="按时决议的事项")
    pass_step(clerk, in_time, "proposal", held_on=today - timedelta(days=60))
    for step in ("consultation", "review", "resolution"):
        pass_step(clerk, in_time, step, held_on=today - timedelta(days=1))
    late.refresh_from_db()
    in_time.refresh_from_db()
    assert late.resolved_late and not in_time.resolved_late
    # The proposal of "late" was recorded 61 days after it was held: recorded late too.
    assert late.recorded_late and in_time.recorded_late
    page = world.client_for(world.township_a_officer).get(
        reverse("decisions:oversight") + f"?region={world.township_a.code}").content.decode()
    stuck_section = page[page.index('id="stuck"'):page.index('id="late"')]
    assert "停滞的事项" in stuck_section and "刚好三十天的事项" not in stuck_section
    late_section = page[page.index('id="late"'):page.index('id="no-photo"')]
    assert "决议超时的事项" in late_section and "决议超时" in late_section
    # Matters by step per village: 白马村 has 2 open at proposal, 2 waiting for the resolution's disclosure.
    row = page[page.index("白马村"):].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[1:8]]
    assert cells[0] == "2" and cells[4] == "2"
    county_page = world.client_for(world.county_admin).get(
        reverse("decisions:oversight") + f"?region={world.county.code}").content.decode()
    assert "安乐镇" in county_page and "停滞的事项" in county_page
    # The figures: 2 decided this year, none of them on time (both were recorded late).
    assert "今年决议" in world.client_for(world.township_a_officer).get(world.township_a.get_absolute_url()).content.decode()


def test_stuck_reminders_go_to_the_secretary_once(world, roster, clerk):
    today = timezone.localdate()
    stuck = matter_register_via(clerk, world.village_a1, title="停滞的事项")
    Matter.objects.filter(pk=stuck.pk).update(step_since=today - timedelta(days=31))
    matter_register_via(clerk, world.village_a1, title="正常的事项")
    assert decision_reminders_send(today=today) == 1
    assert decision_reminders_send(today=today) == 0
    note = Notification.objects.get(kind="matter_stuck:proposal")
    assert note.recipient == world.village_a1_clerk and "停滞的事项" in note.title
    # Moving on and getting stuck again on the next step is a new reminder.
    pass_step(clerk, stuck, "proposal", held_on=today - timedelta(days=40))
    assert decision_reminders_send(today=today) == 1


def test_the_oversight_page_costs_the_same_queries_with_more_matters(world, roster, clerk, supervisor):
    url = reverse("decisions:oversight") + f"?region={world.township_a.code}"
    officer = world.client_for(world.township_a_officer)
    matter_register_via(clerk, world.village_a1, title="事项0")
    with CaptureQueriesContext(connection) as few:
        officer.get(url)
    for n in range(1, 6):
        matter = matter_register_via(clerk, world.village_a1, title=f"事项{n}")
        Matter.objects.filter(pk=matter.pk).update(step_since=timezone.localdate() - timedelta(days=40))
        world.client_for(supervisor).post(reverse("decisions:opinion-create", args=[matter.pk]),
                                          {"verdict": "object", "reason": f"异议{n}"})
    with CaptureQueriesContext(connection) as many:
        page = officer.get(url).content.decode()
    assert "异议5" in page
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_matter_pages_cost_fixed_queries(world, roster, clerk):
    matter = matter_register_via(clerk, world.village_a1)
    with CaptureQueriesContext(connection) as early:
        clerk.get(matter.get_absolute_url())
    take_to_resolution(clerk, matter)
    pass_step(clerk, matter, "resolution")
    disclose_post(clerk, matter, posted_on=timezone.localdate(), photo=SimpleUploadedFile("b.png", png_bytes()))
    with CaptureQueriesContext(connection) as late:
        clerk.get(matter.get_absolute_url())
    assert len(late) - len(early) <= 4, [q["sql"] for q in late.captured_queries]  # per meeting: none
    with CaptureQueriesContext(connection) as listing:
        clerk.get(reverse("decisions:matter-list"))
    listing_count = len(listing)  # read now: the connection's query log is a bounded deque
    for n in range(5):
        matter_register_via(clerk, world.village_a1, title=f"列表事项{n}")
    with CaptureQueriesContext(connection) as longer:
        clerk.get(reverse("decisions:matter-list"))
    assert len(longer) == listing_count


# -- the record book -----------------------------------------------------------------------------------


def test_the_record_book_of_a_matter_prints_every_meeting(world, roster, clerk):
    matter = matter_register_via(clerk, world.village_a1)
    take_to_resolution(clerk, matter)
    page = clerk.get(reverse("decisions:matter-record", args=[matter.pk])).content.decode()
    assert "决策记录簿" in page and "党员大会" in page and "主持人" in page and "王书记" in page
    assert page.count("应到") >= 3


def test_the_village_record_book_workbook(world, roster, clerk):
    matter = matter_register_via(clerk, world.village_a1, title="=HYPERLINK(\"x\")")
    take_to_resolution(clerk, matter)
    matter_register_via(clerk, world.village_a1, title="第二件事")
    response = clerk.get(reverse("decisions:record-book", args=[world.village_a1.code]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["决策事项", "会议记录"]
    matters = list(book["决策事项"].values)
    assert len(matters) == 3 and matters[0][1] == "事项名称"
    assert matters[1][1] == "'=HYPERLINK(\"x\")"  # no formula runs in the reader's Excel
    meetings = list(book["会议记录"].values)
    assert len(meetings) == 4 and meetings[1][3] == "村党组织会议" and meetings[3][8] == 41
    other_year = clerk.get(reverse("decisions:record-book", args=[world.village_a1.code]) + "?year=2001")
    assert len(list(load_workbook(io.BytesIO(other_year.content))["决策事项"].values)) == 1
    assert clerk.get(reverse("decisions:record-book", args=[world.village_b1.code])).status_code == 404
    assert clerk.get(reverse("decisions:record-book", args=[world.township_a.code])).status_code == 404


# -- meeting papers ------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_meeting_papers_are_checked_by_content_and_served_in_scope(world, roster, clerk, settings):
    matter = matter_register_via(clerk, world.village_a1)
    response = meeting_post(clerk, matter, "proposal", present=5, votes_for=5, files={
        "attendance_sheet": SimpleUploadedFile("签到表.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert "不是PDF、JPEG或PNG格式" in response.content.decode()
    assert not matter.meetings.exists()  # nothing half-recorded
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = meeting_post(clerk, matter, "proposal", present=5, votes_for=5, files={"minutes_scan": big})
    assert "超过10MB" in response.content.decode()
    gif = SimpleUploadedFile("a.gif", png_bytes(fmt="GIF"), "image/gif")
    response = meeting_post(clerk, matter, "proposal", present=5, votes_for=5, files={"minutes_scan": gif})
    assert "不是PDF、JPEG或PNG格式" in response.content.decode()
    response = meeting_post(clerk, matter, "proposal", present=5, votes_for=5, files={
        "attendance_sheet": SimpleUploadedFile("签到表.pdf", PDF, "application/pdf"),
        "minutes_scan": SimpleUploadedFile("记录.jpg", png_bytes(fmt="JPEG"), "image/jpeg")})
    assert response.status_code == 302
    sheet, scan = MeetingAttachment.objects.order_by("id")
    assert (sheet.kind, sheet.content_type, scan.content_type) == ("attendance", "application/pdf", "image/jpeg")
    response = clerk.get(reverse("decisions:attachment-file", args=[sheet.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert world.client_for(world.township_b_officer).get(
        reverse("decisions:attachment-file", args=[sheet.pk])).status_code == 404
    # A paper added later, after the meeting was recorded.
    clerk.post(reverse("decisions:attachment-add", args=[sheet.meeting_id]),
               {"kind": "other", "file": SimpleUploadedFile("x.png", png_bytes(), "image/png")})
    assert MeetingAttachment.objects.count() == 3
    assert world.client_for(world.village_a1_readonly).post(
        reverse("decisions:attachment-add", args=[sheet.meeting_id]),
        {"kind": "other", "file": SimpleUploadedFile("x.png", png_bytes(), "image/png")}).status_code == 403


# -- scope and categories ------------------------------------------------------------------------------


def test_other_villages_matters_answer_404(world, roster, clerk):
    from decisions.services import matter_register

    other = matter_register(actor=None, village=world.village_b1,
                            category=MatterCategory.objects.get(name="宅基地使用方案"), title="李楼村宅基地方案",
                            content="x", estimated_amount=None, proposed_by="村党组织")
    for name in ("matter-detail", "meeting-create", "disclosure-create", "matter-record"):
        assert clerk.get(reverse(f"decisions:{name}", args=[other.pk])).status_code == 404, name
    assert clerk.post(reverse("decisions:matter-repropose", args=[other.pk])).status_code == 404
    assert "李楼村宅基地方案" not in clerk.get(reverse("decisions:matter-list")).content.decode()
    # A village cadre cannot register a matter for another village either.
    response = clerk.post(reverse("decisions:matter-create"), {
        "village": world.village_b1.pk, "category": other.category_id, "title": "越权", "content": "x",
        "proposed_by": "x"})
    assert response.status_code == 200 and not Matter.objects.filter(title="越权").exists()


def test_township_categories_apply_to_its_villages_only(world, roster, clerk):
    officer = world.client_for(world.township_b_officer)
    response = officer.post(reverse("decisions:categories"), {"region": world.township_b.pk, "name": "村级债务化解方案"})
    assert response.status_code == 302
    category = MatterCategory.objects.get(name="村级债务化解方案")
    assert officer.post(reverse("decisions:categories"),
                        {"region": world.township_b.pk, "name": "村级债务化解方案"}).status_code == 200
    assert MatterCategory.objects.filter(name="村级债务化解方案").count() == 1
    # Township B's category is not offered in village A1, and is refused there.
    assert "村级债务化解方案" not in clerk.get(reverse("decisions:matter-create")).content.decode()
    clerk.post(reverse("decisions:matter-create"), {
        "village": world.village_a1.pk, "category": category.pk, "title": "不适用", "content": "x",
        "proposed_by": "x"})
    assert not Matter.objects.filter(title="不适用").exists()
    # The statutory list cannot be switched off; a township's own can.
    statutory = MatterCategory.objects.filter(region__isnull=True).first()
    assert officer.post(reverse("decisions:category-toggle", args=[statutory.pk])).status_code == 404
    officer.post(reverse("decisions:category-toggle", args=[category.pk]))
    category.refresh_from_db()
    assert not category.is_active
    assert world.client_for(world.township_a_officer).post(
        reverse("decisions:category-toggle", args=[category.pk])).status_code == 404
    assert clerk.get(reverse("decisions:categories")).status_code == 403


def test_matter_changes_are_audited_in_the_county_admins_scope(world, roster, clerk):
    from audit.selectors import audit_event_list

    matter = matter_register_via(clerk, world.village_a1)
    pass_step(clerk, matter, "proposal")
    events = audit_event_list(user=world.county_admin)
    assert events.filter(pgh_model="decisions.MatterTimelineEvent", pgh_obj_id=str(matter.pk)).count() >= 2
    # Each step also changes the matter, so the county sees who took it; the meeting's own insert event
    # (with the client address) is in the system administrator's full log.
    meeting_event = audit_event_list(user=world.sysadmin).get(pgh_model="decisions.MeetingEvent")
    assert meeting_event.pgh_context["user"] == world.village_a1_clerk.pk
    # The supervisor of another township sees none of it (no audit permission at all).
    assert not audit_event_list(user=world.township_b_officer).filter(pgh_model="decisions.MatterTimelineEvent").exists()
