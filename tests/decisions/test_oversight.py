"""Oversight, reminders, the supervision committee, the record book, meeting papers and categories."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from decisions.exports import MATTER_HEADER, MEETING_HEADER
from decisions.models import Matter, MatterCategory, Meeting, MeetingAttachment, Step, SupervisionOpinion
from decisions.services import decision_reminders_send, opinion_record
from notifications.models import Notification
from regions.roles import Role
from regions.services import list_entry_toggle
from regions.services.settings import LIST_ENTRY_STANDARD
from tests.conftest import make_user, png_bytes
from tests.decisions.builders import (
    disclose,
    matter_register,
    resolve,
    step_pass,
    take_to_resolution,
)
from tests.decisions.conftest import meeting_post
from tests.spreadsheets.layout import assert_layout

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(world):
    return make_user("a1_supervisor", Role.VILLAGE_SUPERVISOR, world.village_a1, real_name="监委会主任")


def test_the_supervision_committee_objects_and_the_township_is_told_once(
    world, roster, secretary, clerk, supervisor
):
    make_user("ta_leader", Role.TOWNSHIP_LEADER, world.township_a)
    matter = step_pass(secretary, matter_register(secretary, world.village_a1), "proposal")
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
    oversight = (
        world.client_for(world.township_a_officer)
        .get(reverse("decisions:oversight") + f"?region={world.township_a.code}")
        .content.decode()
    )
    assert "未征求村民小组长意见" in oversight
    assert (
        "未征求村民小组长意见"
        not in world.client_for(world.township_b_officer)
        .get(reverse("decisions:oversight") + f"?region={world.township_b.code}")
        .content.decode()
    )


def test_stuck_and_late_matters_on_the_oversight_page(world, roster, secretary):
    today = timezone.localdate()
    stuck = matter_register(secretary, world.village_a1, title="停滞的事项")
    Matter.objects.filter(pk=stuck.pk).update(step_since=today - timedelta(days=31))
    fresh = matter_register(secretary, world.village_a1, title="刚好三十天的事项")
    Matter.objects.filter(pk=fresh.pk).update(step_since=today - timedelta(days=30))
    # A resolution 61 days after the proposal is late; 60 days is not.
    late = matter_register(secretary, world.village_a1, title="决议超时的事项")
    step_pass(secretary, late, "proposal", held_on=today - timedelta(days=61))
    for step in ("consultation", "review", "resolution"):
        step_pass(secretary, late, step, held_on=today)
    in_time = matter_register(secretary, world.village_a1, title="按时决议的事项")
    step_pass(secretary, in_time, "proposal", held_on=today - timedelta(days=60))
    for step in ("consultation", "review", "resolution"):
        step_pass(secretary, in_time, step, held_on=today - timedelta(days=1))
    late.refresh_from_db()
    in_time.refresh_from_db()
    assert late.resolved_late and not in_time.resolved_late
    # The proposal of "late" was recorded 61 days after it was held: recorded late too.
    assert late.recorded_late and in_time.recorded_late
    page = (
        world.client_for(world.township_a_officer)
        .get(reverse("decisions:oversight") + f"?region={world.township_a.code}")
        .content.decode()
    )
    stuck_section = page[page.index('id="stuck"') : page.index('id="late"')]
    assert "停滞的事项" in stuck_section and "刚好三十天的事项" not in stuck_section
    late_section = page[page.index('id="late"') : page.index('id="no-photo"')]
    assert "决议超时的事项" in late_section and "决议超时" in late_section
    # Matters by step per village: 白马村 has 2 open at proposal, 2 waiting for the resolution's disclosure.
    row = page[page.index("白马村") :].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[1:8]]
    assert cells[0] == "2" and cells[4] == "2"
    county_page = (
        world.client_for(world.county_admin)
        .get(reverse("decisions:oversight") + f"?region={world.county.code}")
        .content.decode()
    )
    assert "安乐镇" in county_page and "停滞的事项" in county_page
    # The figures: 2 decided this year, none of them on time (both were recorded late).
    assert (
        "今年决议"
        in world.client_for(world.township_a_officer)
        .get(world.township_a.get_absolute_url())
        .content.decode()
    )


def test_stuck_reminders_go_to_the_secretary_once(world, roster, secretary):
    today = timezone.localdate()
    stuck = matter_register(secretary, world.village_a1, title="停滞的事项")
    Matter.objects.filter(pk=stuck.pk).update(step_since=today - timedelta(days=31))
    matter_register(secretary, world.village_a1, title="正常的事项")
    assert decision_reminders_send(today=today) == 1
    assert decision_reminders_send(today=today) == 0
    note = Notification.objects.get(kind="matter_stuck:proposal")  # the kind names the step
    assert note.recipient == world.village_a1_clerk
    assert note.title == "事项停滞：白马村“停滞的事项”在“党组织提议”环节已超过30天"
    assert note.kind_label == "决策事项停滞（党组织提议）"
    # Moving on and getting stuck again on the next step is a new reminder (its due date is the new step's
    # start).
    step_pass(secretary, stuck, "proposal", held_on=today - timedelta(days=40))
    assert decision_reminders_send(today=today) == 1
    again = Notification.objects.get(kind="matter_stuck:consultation")
    assert again.title == "事项停滞：白马村“停滞的事项”在“两委商议”环节已超过30天"


def test_a_matter_moved_on_the_day_its_step_began_is_reminded_again_on_the_next_step(
    world, roster, secretary
):
    """The proposal meeting is held on the day the matter was registered, so the next step begins the same
    day (step_since unchanged): the stuck reminder of the new step is still sent."""
    today = timezone.localdate()
    registered = today - timedelta(days=40)
    stuck = matter_register(secretary, world.village_a1, title="同日进入下一环节的事项")
    Matter.objects.filter(pk=stuck.pk).update(step_since=registered)
    assert decision_reminders_send(today=today) == 1
    step_pass(secretary, stuck, "proposal", held_on=registered)
    stuck.refresh_from_db()
    assert stuck.step == Step.CONSULTATION and stuck.step_since == registered
    assert decision_reminders_send(today=today) == 1
    assert Notification.objects.filter(kind="matter_stuck:consultation").count() == 1


def test_the_oversight_page_costs_the_same_queries_with_more_matters(world, roster, secretary, supervisor):
    url = reverse("decisions:oversight") + f"?region={world.township_a.code}"
    officer = world.client_for(world.township_a_officer)
    matter_register(secretary, world.village_a1, title="事项0")
    officer.get(url)  # both counts with the county's rules cached (regions.models.CountySettings.for_region)
    with CaptureQueriesContext(connection) as few:
        officer.get(url)
    for n in range(1, 6):
        matter = matter_register(secretary, world.village_a1, title=f"事项{n}")
        Matter.objects.filter(pk=matter.pk).update(step_since=timezone.localdate() - timedelta(days=40))
        opinion_record(actor=supervisor, matter=matter, verdict="object", reason=f"异议{n}")
    officer.get(url)  # the bell's count, cached, was dropped by the opinions' notifications
    with CaptureQueriesContext(connection) as many:
        page = officer.get(url).content.decode()
    assert "异议5" in page
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_matter_pages_cost_fixed_queries(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    with CaptureQueriesContext(connection) as early:
        clerk.get(matter.get_absolute_url())
    resolve(secretary, matter)
    disclose(
        secretary,
        matter,
        posted_on=timezone.localdate(),
        board_photo=SimpleUploadedFile("b.png", png_bytes(), "image/png"),
    )
    assert matter.meetings.count() == 4 and matter.disclosures.get().board_photos.count() == 1
    with CaptureQueriesContext(connection) as late:
        clerk.get(matter.get_absolute_url())
    assert len(late) - len(early) <= 4, [q["sql"] for q in late.captured_queries]  # per meeting: none
    assert len(late) <= 15
    # Seen again before anything changes: the body comes from the cache (the user, the matter).
    with CaptureQueriesContext(connection) as again:
        assert clerk.get(matter.get_absolute_url()).status_code == 200
    assert len(again) <= 2, [q["sql"] for q in again.captured_queries]
    with CaptureQueriesContext(connection) as listing:
        clerk.get(reverse("decisions:matter-list"))
    listing_count = len(listing)  # read now: the connection's query log is a bounded deque
    for n in range(5):
        matter_register(secretary, world.village_a1, title=f"列表事项{n}")
    with CaptureQueriesContext(connection) as longer:
        clerk.get(reverse("decisions:matter-list"))
    assert len(longer) == listing_count


# -- the record book -----------------------------------------------------------------------------------


def test_the_record_book_of_a_matter_prints_every_meeting(world, roster, secretary, clerk):
    matter = take_to_resolution(secretary, matter_register(secretary, world.village_a1))
    page = clerk.get(reverse("decisions:matter-record", args=[matter.pk])).content.decode()
    assert "决策记录簿" in page and "党员大会" in page and "主持人" in page and "王书记" in page
    assert page.count("应到") >= 3


def test_the_village_record_book_workbook(world, roster, secretary, clerk):
    take_to_resolution(secretary, matter_register(secretary, world.village_a1, title='=HYPERLINK("x")'))
    matter_register(secretary, world.village_a1, title="第二件事")
    response = clerk.get(reverse("decisions:record-book", args=[world.village_a1.code]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["决策事项", "会议记录", "监委会审核"]
    year = timezone.localdate().year
    sheet = book["决策事项"]
    matters = assert_layout(
        sheet, title=f"安乐镇白马村决策记录簿·决策事项（{year}年）", header=MATTER_HEADER, total=True
    )
    assert len(matters) == 3 and matters[0][1] == '\'=HYPERLINK("x")'  # no formula runs in Excel
    # Amounts are numbers in #,##0.00 and add up in the total row; dates are dates.
    assert (
        matters[2][0] == "合计（2项）" and matters[2][4] == 240000 and sheet["E5"].number_format == "#,##0.00"
    )
    assert sheet["E3"].value == 120000 and sheet["E3"].number_format == "#,##0.00"
    assert sheet["G3"].is_date and sheet["G3"].number_format == "yyyy-mm-dd"
    sheet = book["会议记录"]
    meetings = assert_layout(
        sheet, title=f"安乐镇白马村决策记录簿·会议记录（{year}年）", header=MEETING_HEADER, total=False
    )
    assert len(meetings) == 3 and meetings[0][3] == "村党组织会议" and meetings[2][8] == 41
    recorded = Meeting.objects.order_by("pk").first().recorded_at
    local = timezone.localtime(recorded).replace(tzinfo=None)  # Beijing time, not UTC
    assert abs((meetings[0][22] - local).total_seconds()) < 1
    assert sheet["W3"].number_format == "yyyy-mm-dd hh:mm"
    other_year = clerk.get(reverse("decisions:record-book", args=[world.village_a1.code]) + "?year=2001")
    assert list(load_workbook(io.BytesIO(other_year.content))["决策事项"].values)[2:] == [
        ("合计（0项）",) + (None,) * 3 + (0,) + (None,) * 4 + (0,) + (None,) * 6
    ]
    assert clerk.get(reverse("decisions:record-book", args=[world.village_b1.code])).status_code == 404
    assert clerk.get(reverse("decisions:record-book", args=[world.township_a.code])).status_code == 404


# -- meeting papers ------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_meeting_papers_are_checked_by_content_and_served_in_scope(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    response = meeting_post(
        clerk,
        matter,
        "proposal",
        present=5,
        votes_for=5,
        files={
            "attendance_sheet": SimpleUploadedFile("签到表.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
        },
    )
    assert "不是PDF、JPEG或PNG格式" in response.content.decode()
    assert not matter.meetings.exists()  # nothing half-recorded
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = meeting_post(clerk, matter, "proposal", present=5, votes_for=5, files={"minutes_scan": big})
    assert "超过10MB" in response.content.decode()
    gif = SimpleUploadedFile("a.gif", png_bytes(fmt="GIF"), "image/gif")
    response = meeting_post(clerk, matter, "proposal", present=5, votes_for=5, files={"minutes_scan": gif})
    assert "不是PDF、JPEG或PNG格式" in response.content.decode()
    response = meeting_post(
        clerk,
        matter,
        "proposal",
        present=5,
        votes_for=5,
        files={
            "attendance_sheet": SimpleUploadedFile("签到表.pdf", PDF, "application/pdf"),
            "minutes_scan": SimpleUploadedFile("记录.jpg", png_bytes(fmt="JPEG"), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    sheet, scan = MeetingAttachment.objects.order_by("id")
    assert (sheet.kind, sheet.content_type, scan.content_type) == (
        "attendance",
        "application/pdf",
        "image/jpeg",
    )
    response = clerk.get(reverse("decisions:attachment-file", args=[sheet.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert (
        world.client_for(world.township_b_officer)
        .get(reverse("decisions:attachment-file", args=[sheet.pk]))
        .status_code
        == 404
    )
    # A paper added later, after the meeting was recorded.
    clerk.post(
        reverse("decisions:attachment-add", args=[sheet.meeting_id]),
        {"kind": "other", "file": SimpleUploadedFile("x.png", png_bytes(), "image/png")},
    )
    assert MeetingAttachment.objects.count() == 3
    assert (
        world.client_for(world.village_a1_readonly)
        .post(
            reverse("decisions:attachment-add", args=[sheet.meeting_id]),
            {"kind": "other", "file": SimpleUploadedFile("x.png", png_bytes(), "image/png")},
        )
        .status_code
        == 403
    )


# -- scope and categories ------------------------------------------------------------------------------


def test_other_villages_matters_answer_404(world, roster, clerk):
    from decisions import services

    other = services.matter_register(
        actor=None,
        village=world.village_b1,
        category=MatterCategory.objects.get(name="宅基地使用方案"),
        title="李楼村宅基地方案",
        content="x",
        estimated_amount=None,
        proposed_by="村党组织",
    )
    for name in ("matter-detail", "meeting-create", "disclosure-create", "matter-record"):
        assert clerk.get(reverse(f"decisions:{name}", args=[other.pk])).status_code == 404, name
    assert clerk.post(reverse("decisions:matter-repropose", args=[other.pk])).status_code == 404
    assert "李楼村宅基地方案" not in clerk.get(reverse("decisions:matter-list")).content.decode()
    # A village cadre cannot register a matter for another village either.
    response = clerk.post(
        reverse("decisions:matter-create"),
        {
            "village": world.village_b1.pk,
            "category": other.category_id,
            "title": "越权",
            "content": "x",
            "proposed_by": "x",
        },
    )
    assert response.status_code == 200 and not Matter.objects.filter(title="越权").exists()


def test_township_categories_apply_to_its_villages_only(world, roster, clerk):
    officer = world.client_for(world.township_b_officer)
    response = officer.post(
        reverse("decisions:categories"), {"region": world.township_b.pk, "name": "村级债务化解方案"}
    )
    assert response.status_code == 302
    category = MatterCategory.objects.get(name="村级债务化解方案")
    assert (
        officer.post(
            reverse("decisions:categories"), {"region": world.township_b.pk, "name": "村级债务化解方案"}
        ).status_code
        == 200
    )
    assert MatterCategory.objects.filter(name="村级债务化解方案").count() == 1
    # Township B's category is not offered in village A1, and is refused there.
    assert "村级债务化解方案" not in clerk.get(reverse("decisions:matter-create")).content.decode()
    clerk.post(
        reverse("decisions:matter-create"),
        {
            "village": world.village_a1.pk,
            "category": category.pk,
            "title": "不适用",
            "content": "x",
            "proposed_by": "x",
        },
    )
    assert not Matter.objects.filter(title="不适用").exists()
    # The statutory list cannot be switched off; a township's own can.
    statutory = MatterCategory.objects.filter(region__isnull=True).first()
    assert officer.post(reverse("decisions:category-toggle", args=[statutory.pk])).status_code == 404
    with pytest.raises(ValidationError) as refused:
        list_entry_toggle(actor=world.township_b_officer, entry=statutory)
    assert refused.value.messages == [LIST_ENTRY_STANDARD]
    statutory.refresh_from_db()
    assert statutory.is_active
    officer.post(reverse("decisions:category-toggle", args=[category.pk]))
    category.refresh_from_db()
    assert not category.is_active
    assert (
        world.client_for(world.township_a_officer)
        .post(reverse("decisions:category-toggle", args=[category.pk]))
        .status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        list_entry_toggle(actor=world.township_a_officer, entry=category)
    assert clerk.get(reverse("decisions:categories")).status_code == 403


def test_every_row_of_a_matter_is_audited_in_its_county_only(world, roster, secretary, clerk):
    """A matter's child rows (meetings, papers, disclosures, corrections) carry the matter's village, so the
    county's auditor sees their insert events (with who recorded them and from where) beside the matter's
    own changes; an auditor of another county sees none of them."""
    from auditlog.selectors import audit_event_list
    from decisions.services import amendment_create
    from regions.models import Region

    other_county = Region.objects.create(code="419902000000", prefix="419902", name="邻县", level="county")
    other_auditor = world.client_for(make_user("other_county_admin", Role.COUNTY_ORGANIZATION, other_county))
    matter = matter_register(secretary, world.village_a1)
    # The proposal meeting and its attendance sheet through the portal, the rest through the services.
    response = meeting_post(
        clerk,
        matter,
        "proposal",
        present=5,
        votes_for=5,
        files={"attendance_sheet": SimpleUploadedFile("签到表.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 302
    for step in ("consultation", "review", "resolution"):
        step_pass(secretary, matter, step)
    disclosure = disclose(secretary, matter, posted_on=timezone.localdate())
    amendment = amendment_create(
        actor=secretary,
        disclosure=disclosure,
        field="text",
        corrected="决议：改为修建篮球场。",
        reason="村民代表会议复议",
    )
    rows = {
        "decisions.MeetingEvent": set(matter.meetings.values_list("pk", flat=True)),
        "decisions.MeetingAttachmentEvent": set(MeetingAttachment.objects.values_list("pk", flat=True)),
        "decisions.DisclosureEvent": {disclosure.pk},
        "decisions.AmendmentEvent": {amendment.pk},
    }
    assert len(rows["decisions.MeetingEvent"]) == 4 and len(rows["decisions.MeetingAttachmentEvent"]) == 1

    def logged(client, model):
        response = client.get(reverse("auditlog:event-list"), {"model": model})
        assert response.status_code == 200
        return list(response.context["page_obj"])

    admin = world.client_for(world.county_admin)
    for model, pks in rows.items():
        events = logged(admin, model)
        assert {e.pgh_label for e in events} == {"insert"}, model
        assert {int(e.pgh_obj_id) for e in events} == pks, model
        assert {e.pgh_data["village_id"] for e in events} == {world.village_a1.pk}, model
    # The meeting recorded through the portal names the clerk and the client address.
    sheet = MeetingAttachment.objects.get()
    sheet_event = logged(admin, "decisions.MeetingAttachmentEvent")[0]
    meeting_event = next(
        e for e in logged(admin, "decisions.MeetingEvent") if int(e.pgh_obj_id) == sheet.meeting_id
    )
    for event in (meeting_event, sheet_event):
        assert (
            event.pgh_context["user"] == world.village_a1_clerk.pk and event.pgh_context["ip"] == "127.0.0.1"
        )
    # Each step also changes the matter: the county sees who took it.
    matter_events = audit_event_list(user=world.county_admin).filter(
        pgh_model="decisions.MatterEvent", pgh_obj_id=str(matter.pk)
    )
    assert matter_events.count() >= 6  # registered, four meetings, the posting
    # The auditor of another county sees its own county's records, and none of these.
    assert "邻县" in {e.pgh_data["name"] for e in logged(other_auditor, "regions.RegionEvent")}
    for model in (*rows, "decisions.MatterEvent"):
        assert logged(other_auditor, model) == [], model
    # The supervisor of another township sees none of it (no audit permission at all).
    assert world.client_for(world.township_b_officer).get(reverse("auditlog:event-list")).status_code == 403
    assert (
        not audit_event_list(user=world.township_b_officer).filter(pgh_model="decisions.MatterEvent").exists()
    )
