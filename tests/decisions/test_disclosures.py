"""Disclosures: the period, objections, board photos, and content that is never edited (only amended)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from decisions.models import Amendment, DecisionRules, Disclosure, Matter, Meeting, Step
from decisions.services import decision_reminders_send
from regions.models import CalendarDay
from regions.roles import Role
from regions.services import county_settings_save
from tests.conftest import make_user, png_bytes
from tests.decisions.builders import disclose, matter_register, resolve, weekday_ago, zh
from tests.decisions.conftest import disclose_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(world, roster, secretary):
    """A matter whose resolution passed 30 days ago (every meeting through the services)."""
    return resolve(
        secretary,
        matter_register(secretary, world.village_a1),
        held_on=timezone.localdate() - timedelta(days=30),
    )


def rules_post(client, county, **values):
    """The county settings page's block of the decisions system."""
    fields = {
        "disclosure_days": 7,
        "resolution_within_days": 60,
        "record_within_days": 7,
        "short_notice": "refuse",
        "stuck_days": 30,
        **values,
    }
    return client.post(
        reverse("regions:county-settings"),
        {
            "block": "decisions",
            "county": county.code,
            **{f"decisions-{name}": v for name, v in fields.items()},
        },
    )


def _rest_days_rolled(day):
    """The day itself, or the Monday after when it falls on a weekend (no holidays in these tests)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_the_period_is_seven_days_and_the_matter_moves_on_after_it(world, resolved, clerk):
    """民法典 第201条: the posting day is not counted, so a posting of 7 days ago ends today (day 7 after
    it), or on the Monday after when today is a weekend; implementation starts the day after."""
    today = timezone.localdate()
    posted = today - timedelta(days=7)
    disclose_post(clerk, resolved, posted_on=posted)
    disclosure = resolved.disclosures.get()
    ends = _rest_days_rolled(today)
    assert disclosure.ends_on == ends and disclosure.period_days == 7 and not disclosure.counts_posting_day
    resolved.refresh_from_db()
    assert resolved.step == Step.RESOLUTION_DISCLOSURE and resolved.disclosed_on == posted
    assert decision_reminders_send(today=ends) == 0  # still running on its last day
    resolved.refresh_from_db()
    assert resolved.step == Step.RESOLUTION_DISCLOSURE
    sent = decision_reminders_send(today=ends + timedelta(days=1))
    resolved.refresh_from_db()
    assert resolved.step == Step.IMPLEMENTATION and resolved.step_since == ends + timedelta(days=1)
    assert sent == 1  # the secretary is told the period ended
    assert decision_reminders_send(today=ends + timedelta(days=1)) == 0  # once
    bulletin = world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    assert f"公示期：自张贴次日起7日，至{zh(ends)}" in bulletin


def test_a_period_ending_on_a_holiday_runs_to_the_next_working_day(world, resolved, clerk):
    """民法典 第203条: the county's calendar makes the seventh day (and the day after) holidays: the
    period ends on the first working day after them, and the bulletin says it was moved."""
    today = timezone.localdate()
    posted = today - timedelta(days=7)
    holidays = [today, today + timedelta(days=1)]
    for day in holidays:
        if day.weekday() < 5:
            CalendarDay.objects.create(county=world.county, date=day, kind="holiday", name="节日")
    ends = _rest_days_rolled(today + timedelta(days=2))
    disclose_post(clerk, resolved, posted_on=posted)
    disclosure = resolved.disclosures.get()
    assert disclosure.ends_on == ends
    decision_reminders_send(today=today + timedelta(days=1))
    resolved.refresh_from_db()
    assert resolved.step == Step.RESOLUTION_DISCLOSURE  # still running on the holidays
    bulletin = world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    assert f"公示期：自张贴次日起7日，至{zh(ends)}（期满日为休息日，顺延至下一个工作日）" in bulletin


def test_the_county_may_lengthen_the_period_but_not_shorten_it(world, resolved, secretary):
    admin = world.client_for(world.county_admin)
    response = rules_post(admin, world.county, disclosure_days=6)
    # The constraint's message (the field's help text also says "不少于7天").
    assert response.status_code == 200 and "公示期不得少于7天" in response.content.decode()
    assert not DecisionRules.objects.filter(county=world.county).exists()
    response = rules_post(admin, world.county, disclosure_days=10)
    assert response.status_code == 302
    assert DecisionRules.objects.get(county=world.county).disclosure_days == 10
    posted = timezone.localdate()
    disclose(secretary, resolved, posted_on=posted)
    assert resolved.disclosures.get().ends_on == _rest_days_rolled(posted + timedelta(days=10))


def test_a_period_shorter_than_seven_days_is_refused_by_the_database(world, resolved):
    disclosure_ok = dict(
        matter=resolved,
        kind="resolution",
        text="x",
        posted_on=timezone.localdate(),
        posted_by=world.village_a1_clerk,
    )
    # 民法典 第201条: seven days after the posting day at the least; the sixth is refused ...
    with pytest.raises(DatabaseError), transaction.atomic():
        Disclosure.objects.create(**disclosure_ok, ends_on=timezone.localdate() + timedelta(days=6))
    # ... except on postings made before the rule, which counted their posting day (and stay as shown).
    with transaction.atomic():
        old = Disclosure.objects.create(
            **disclosure_ok, ends_on=timezone.localdate() + timedelta(days=6), counts_posting_day=True
        )
        assert "（含张贴当天）" in old.period_text
        transaction.set_rollback(True)
    Disclosure.objects.create(**disclosure_ok, ends_on=timezone.localdate() + timedelta(days=7))


def test_posting_date_in_the_future_or_before_the_resolution_is_refused(world, resolved, clerk):
    response = disclose_post(clerk, resolved, posted_on=timezone.localdate() + timedelta(days=1))
    assert "张贴日期不能晚于今天" in response.content.decode()
    response = disclose_post(clerk, resolved, posted_on=timezone.localdate() - timedelta(days=31))
    assert "张贴日期不能早于决议日期" in response.content.decode()
    assert not resolved.disclosures.exists()


def test_objections_during_the_period_hold_the_matter_until_answered(world, resolved, secretary, clerk):
    today = timezone.localdate()
    disclose_post(clerk, resolved, posted_on=weekday_ago(9))  # ended on a weekday before today
    resolved.refresh_from_db()
    assert resolved.step == Step.IMPLEMENTATION  # recorded after its period: moved at once
    matter = resolve(
        secretary,
        matter_register(secretary, world.village_a1, title="调整误工补贴标准", amount=""),
        held_on=today - timedelta(days=20),
    )
    posted = weekday_ago(3)  # its period ends a week later, a weekday, before today + 5
    disclosure = disclose(secretary, matter, posted_on=posted)
    url = reverse("decisions:objection-create", args=[disclosure.pk])
    # Outside the period: refused.
    clerk.post(url, {"received_on": (posted - timedelta(days=1)).isoformat(), "summary": "补贴太高"})
    assert not disclosure.objections.exists()
    clerk.post(url, {"received_on": (today - timedelta(days=1)).isoformat(), "summary": "补贴标准高于邻村"})
    objection = disclosure.objections.get()
    assert decision_reminders_send(today=today + timedelta(days=5)) == 1  # "ended with objections open"
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION_DISCLOSURE
    response = clerk.post(
        reverse("decisions:objection-answer", args=[objection.pk]),
        {"answer": "标准经乡镇审核，与本村工作量相符", "answered_on": today.isoformat()},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.answered_on == today
    # The answer closes what the ended period was waiting for.
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION_DISCLOSURE  # its period has not ended yet today
    decision_reminders_send(today=today + timedelta(days=5))
    matter.refresh_from_db()
    assert matter.step == Step.IMPLEMENTATION
    # An answered objection is frozen.
    with pytest.raises(DatabaseError), transaction.atomic():
        type(objection).objects.filter(pk=objection.pk).update(answer="改了")


def test_result_disclosure_completes_the_matter_after_its_period(world, resolved, secretary, clerk):
    today = timezone.localdate()
    disclose(secretary, resolved, posted_on=today - timedelta(days=29))
    response = disclose_post(
        clerk,
        resolved,
        posted_on=today - timedelta(days=2),
        result=True,
        text="文化广场已建成",
        spent_amount="",
    )
    assert "请填写实际支出金额" in response.content.decode()
    disclose_post(clerk, resolved, posted_on=today - timedelta(days=2), result=True, text="文化广场已建成")
    resolved.refresh_from_db()
    assert resolved.step == Step.RESULT_DISCLOSURE and resolved.is_open
    ends = resolved.disclosures.get(kind="result").ends_on
    assert ends == _rest_days_rolled(today + timedelta(days=5))
    decision_reminders_send(today=ends)
    resolved.refresh_from_db()
    assert resolved.is_open  # its last day
    decision_reminders_send(today=ends + timedelta(days=1))
    resolved.refresh_from_db()
    assert resolved.status == Matter.Status.COMPLETED and resolved.completed_on == ends + timedelta(days=1)


def test_board_photo_is_checked_by_content(world, resolved, secretary, clerk):
    disclosure = disclose(secretary, resolved, posted_on=timezone.localdate())
    url = reverse("decisions:board-photo-add", args=[disclosure.pk])
    response = clerk.post(
        url,
        {"photo": SimpleUploadedFile("board.jpg", b"<html>not an image</html>", "image/jpeg")},
        follow=True,
    )
    assert "只能上传JPEG、PNG或WebP格式的照片" in response.content.decode()
    assert not disclosure.board_photos.exists()
    clerk.post(url, {"photo": SimpleUploadedFile("board.png", png_bytes(), "image/png")})
    photo = disclosure.board_photos.get()
    assert clerk.get(reverse("decisions:board-photo-file", args=[photo.pk])).status_code == 200
    other = world.client_for(world.township_b_officer)
    assert other.get(reverse("decisions:board-photo-file", args=[photo.pk])).status_code == 404


# -- disclosed content is never edited ------------------------------------------------------------------


@pytest.fixture
def disclosed(world, resolved, secretary):
    return disclose(
        secretary, resolved, posted_on=timezone.localdate(), text="决议：修建文化广场，预算12万元。"
    )


def _unchanged(disclosure, matter_title="修建村东头文化广场"):
    disclosure.refresh_from_db()
    assert disclosure.text == "决议：修建文化广场，预算12万元。"
    assert Matter.objects.get(pk=disclosure.matter_id).title == matter_title


def test_orm_update_save_and_bulk_update_of_disclosed_content_change_nothing(world, disclosed):
    with pytest.raises(DatabaseError), transaction.atomic():
        Disclosure.objects.filter(pk=disclosed.pk).update(text="决议：预算20万元。")
    with pytest.raises(DatabaseError), transaction.atomic():
        disclosed.text = "决议：预算20万元。"
        disclosed.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        disclosed.text = "决议：预算20万元。"
        Disclosure.objects.bulk_update([disclosed], ["text"])
    with pytest.raises(DatabaseError), transaction.atomic():
        Disclosure.objects.filter(pk=disclosed.pk).delete()
    matter = disclosed.matter
    with pytest.raises(DatabaseError), transaction.atomic():
        Matter.objects.filter(pk=matter.pk).update(title="修建文化广场（扩建）")
    with pytest.raises(DatabaseError), transaction.atomic():
        Matter.objects.filter(pk=matter.pk).update(estimated_amount=200000)
    with pytest.raises(DatabaseError), transaction.atomic():
        Meeting.objects.filter(matter=matter).update(votes_for=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Matter.objects.filter(pk=matter.pk).delete()
    _unchanged(disclosed)
    # The matter's state still moves (status, step, version are not disclosed content).
    assert Matter.objects.filter(pk=matter.pk).update(version=matter.version + 1) == 1


def test_the_title_may_change_before_disclosure(world, roster, secretary):
    matter = matter_register(secretary, world.village_a1)
    assert Matter.objects.filter(pk=matter.pk).update(title="修建文化广场") == 1


def test_the_admin_cannot_edit_disclosed_content(world, disclosed):
    admin = world.client_for(world.sysadmin)
    url = reverse("admin:decisions_disclosure_change", args=[disclosed.pk])
    assert (
        admin.post(
            url, {"text": "决议：预算20万元。", "posted_on": disclosed.posted_on.isoformat()}
        ).status_code
        == 403
    )
    url = reverse("admin:decisions_matter_change", args=[disclosed.matter_id])
    assert admin.post(url, {"title": "改名"}).status_code == 403
    _unchanged(disclosed)


def test_the_portal_has_no_edit_and_a_second_posting_is_refused(world, disclosed, clerk):
    response = disclose_post(
        clerk, disclosed.matter, posted_on=timezone.localdate(), text="决议：预算20万元。"
    )
    assert response.status_code == 200
    assert "不能跳过“决议公示期满”" in response.content.decode()
    assert Disclosure.objects.filter(matter=disclosed.matter).count() == 1
    _unchanged(disclosed)


def test_an_amendment_is_shown_beside_the_original(world, disclosed, clerk):
    url = reverse("decisions:amendment-create", args=[disclosed.pk])
    response = clerk.post(
        url, {"field": "text", "corrected": "决议：修建文化广场，预算12.5万元。", "reason": ""}
    )
    # The form refuses a correction without its reason (the service is never asked).
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["这个字段是必填项。"]}
    response = clerk.post(url, {"field": "text", "corrected": disclosed.text, "reason": "笔误"})
    assert "更正后的内容与原内容相同" in response.content.decode()
    assert not Amendment.objects.exists()
    response = clerk.post(
        url,
        {
            "field": "text",
            "corrected": "决议：修建文化广场，预算12.5万元。",
            "reason": "预算金额笔误，以会议记录为准",
        },
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.original == "决议：修建文化广场，预算12万元。"
    _unchanged(disclosed)
    with pytest.raises(DatabaseError), transaction.atomic():
        Amendment.objects.filter(pk=amendment.pk).update(corrected="随便改")
    # A change of the resolution's text needs the committee's sign-off (tests/decisions/test_reviews.py).
    supervisor = make_user("a1_supervisor", Role.VILLAGE_SUPERVISOR, world.village_a1)
    world.client_for(supervisor).post(
        reverse("decisions:amendment-signoff", args=[amendment.pk]), {"verdict": "confirmed"}
    )
    page = world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    assert "决议：修建文化广场，预算12万元。" in page  # the original, as posted
    assert "决议：修建文化广场，预算12.5万元。" in page and "预算金额笔误，以会议记录为准" in page
    assert page.index("预算12万元") < page.index("预算12.5万元")  # original first, the correction beside it
    detail = clerk.get(disclosed.matter.get_absolute_url()).content.decode()
    assert "预算12.5万元" in detail and "更正公开内容" in detail
    # The matter's timeline records the correction: its facts in the payload, the reason as the note.
    event = disclosed.matter.timeline.get(kind="amended")
    assert event.payload == {
        "amendment_id": amendment.pk,
        "field": "text",
        "disclosure": "resolution",
        "needs_signoff": True,
    }
    assert event.note == "预算金额笔误，以会议记录为准"
    timeline = detail[detail.index('id="timeline"') :]
    assert (
        "更正公示内容" in timeline
        and "更正公开内容" in timeline
        and "预算金额笔误，以会议记录为准" in timeline
    )


def test_a_resolution_amendment_may_only_correct_the_text(world, disclosed, clerk):
    clerk.post(
        reverse("decisions:amendment-create", args=[disclosed.pk]),
        {"field": "spent_amount", "corrected": "100", "reason": "x"},
    )
    assert not Amendment.objects.exists()


def test_county_settings_refuse_less_than_seven_days(world):
    from django.core.exceptions import ValidationError

    values = {"disclosure_days": 5, "resolution_within_days": 60, "record_within_days": 7, "stuck_days": 30}
    with pytest.raises(ValidationError, match="公示期不得少于7天"):
        county_settings_save(
            actor=world.county_admin, county=world.county, model=DecisionRules, values=values
        )
    assert not DecisionRules.objects.filter(county=world.county).exists()
    rules = county_settings_save(
        actor=world.county_admin,
        county=world.county,
        model=DecisionRules,
        values={**values, "disclosure_days": 7},
    )
    assert DecisionRules.for_region(world.village_a1) == rules and rules.disclosure_days == 7


@pytest.mark.parametrize("bad", ["-5", "NaN", "Infinity", "十万"])
def test_a_spent_amount_correction_must_be_an_amount(world, resolved, secretary, clerk, bad):
    today = timezone.localdate()
    disclose(secretary, resolved, posted_on=today - timedelta(days=29))
    result = disclose(
        secretary, resolved, posted_on=today - timedelta(days=2), result=True, text="文化广场已建成"
    )
    response = clerk.post(
        reverse("decisions:amendment-create", args=[result.pk]),
        {"field": "spent_amount", "corrected": bad, "reason": "发票复核"},
    )
    assert "实际支出须是不小于0的金额" in response.content.decode()
    assert not Amendment.objects.exists()
    response = clerk.post(
        reverse("decisions:amendment-create", args=[result.pk]),
        {"field": "spent_amount", "corrected": "119000", "reason": "发票复核"},
    )
    assert Amendment.objects.get().corrected == "119000.00"


def test_a_posting_entered_after_its_whole_period_is_flagged_late(world, roster, secretary, clerk):
    posted = weekday_ago(8)
    matter = resolve(secretary, matter_register(secretary, world.village_a1), held_on=posted)
    disclose_post(clerk, matter, posted_on=posted)  # its seven days after posting ended before today
    matter.refresh_from_db()
    assert matter.recorded_late and matter.step == Step.IMPLEMENTATION


def test_no_objection_reminder_for_a_matter_past_its_resolution_period(world, resolved, secretary, clerk):
    from notifications.models import Notification

    today = timezone.localdate()
    disclose(secretary, resolved, posted_on=today - timedelta(days=29))
    disclose(secretary, resolved, posted_on=today, result=True, text="已建成")
    decision_reminders_send(today=today)
    assert not Notification.objects.filter(kind="disclosure_objections_open").exists()
    # An objection on the closed resolution disclosure is refused.
    response = clerk.post(
        reverse("decisions:objection-create", args=[resolved.disclosures.get(kind="resolution").pk]),
        {"received_on": (today - timedelta(days=28)).isoformat(), "summary": "迟到的异议"},
        follow=True,
    )
    assert "不能再登记异议" in response.content.decode()


def test_the_public_bulletin_is_cacheable_and_sets_no_cookie(world):
    url = reverse("bulletin", args=[world.village_a1.code])
    response = world.client_for(None).get(url)
    assert "public" in response["Cache-Control"] and not response.cookies
    signed_in = world.client_for(world.village_a1_clerk).get(url)
    assert "private" in signed_in["Cache-Control"]


def test_the_cached_matter_page_shows_each_change_and_carries_each_viewers_csrf_token(
    world, roster, secretary
):
    """The matter page's body is cached per matter version: an objection recorded through the page shows at
    once, and its forms carry the viewer's own CSRF token (a POST with it is accepted when CSRF is enforced)."""
    import re

    from django.test import Client

    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=2)
    )
    disclosure = disclose(secretary, matter, posted_on=today)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.village_a1_clerk)
    page = client.get(matter.get_absolute_url()).content.decode()
    assert "__csrf_token_placeholder__" not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("decisions:objection-create", args=[disclosure.pk]),
        {"received_on": today.isoformat(), "summary": "选址离学校太近", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert "选址离学校太近" in client.get(matter.get_absolute_url()).content.decode()
    # Another viewer gets the same cached body with a token of their own.
    other = Client(enforce_csrf_checks=True)
    other.force_login(world.village_a1_clerk)
    other_page = other.get(matter.get_absolute_url()).content.decode()
    assert "选址离学校太近" in other_page
    assert re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', other_page).group(1) != token
