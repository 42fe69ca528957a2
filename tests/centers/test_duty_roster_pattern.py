"""The roster page's weekly pattern (按周排班): it shows the pattern the month holds, previews every change,
applies a plan that takes shifts away only with its confirmation, and applied unchanged changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from centers.models import DutyShift
from centers.services import duty
from regions.models import CalendarDay
from regions.roles import Role
from tests.centers.builders import shift_on
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

URL = "/duty/419901101201/roster/"
DECEMBER = dt.date(2026, 12, 1)  # a Tuesday; December 2026 has 23 working days and no holiday


@pytest.fixture
def committee(world):
    return make_user("committee_a1", Role.VILLAGE_COMMITTEE, world.village_a1, real_name="孙委员")


@pytest.fixture
def december(world, committee):
    """Clerk on Monday to Friday, but one Wednesday (Dec 9) given to the committee member and a Saturday
    (Dec 5) shift on a rest day."""
    clerk = world.village_a1_clerk
    day = DECEMBER
    while day.month == 12:
        if day.weekday() < 5:
            shift_on(world, day, clerk)
        day += dt.timedelta(days=1)
    shift_on(world, dt.date(2026, 12, 9), committee)
    shift_on(world, dt.date(2026, 12, 5), clerk)
    return world


def roster():
    return {
        s.pk: (s.date, s.cadre_id, s.attendance)
        for s in DutyShift.objects.filter(village__code="419901101201")
    }


def shown_form(html: str) -> dict:
    """The pattern form's values as the browser would post them: each select's selected option, the dates."""
    form = html[html.index('id="pattern-form"') :]
    form = form[: form.index("</form>")]
    data = {"form": "pattern", "month": "2026-12"}
    for name, options in re.findall(r'<select[^>]*name="(weekday\d)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = selected.group(1) if selected else ""
    for name in ("start", "end"):
        data[name] = re.search(rf'name="{name}" value="([^"]*)"', form).group(1)
    return data


def test_the_form_shows_the_pattern_the_month_holds(december):
    clerk = december.village_a1_clerk
    html = december.client_for(clerk).get(URL, {"month": "2026-12"}).content.decode()
    data = shown_form(html)
    assert data == {
        "form": "pattern",
        "month": "2026-12",
        "weekday0": str(clerk.pk),
        "weekday1": str(clerk.pk),
        "weekday2": "keep",  # the mixed Wednesday is shown as the mix, not as either cadre
        "weekday3": str(clerk.pk),
        "weekday4": str(clerk.pk),
        "weekday5": "",
        "weekday6": "",
        "start": "2026-12-01",
        "end": "2026-12-31",
    }
    assert f"本月各天不同：{clerk.real_name}4天、孙委员1天" in html
    assert f"休息日值班：{clerk.real_name}1天（按周排班不改动）" in html


def test_an_empty_month_shows_nobody_on_every_weekday(world):
    html = world.client_for(world.village_a1_clerk).get(URL, {"month": "2026-12"}).content.decode()
    data = shown_form(html)
    assert [data[f"weekday{d}"] for d in range(7)] == [""] * 7


def test_applying_the_shown_pattern_unchanged_changes_nothing(december):
    client = december.client_for(december.village_a1_clerk)
    before = roster()
    data = shown_form(client.get(URL, {"month": "2026-12"}).content.decode())
    response = client.post(URL, data, follow=True)
    assert response.redirect_chain == [(f"{URL}?month=2026-12", 302)]
    assert "按周排班与现有值班表一致，没有变动。" in response.content.decode()
    assert roster() == before


def test_a_change_that_takes_shifts_away_is_previewed_and_needs_its_confirmation(december, committee):
    clerk = december.village_a1_clerk
    client = december.client_for(clerk)
    before = roster()
    data = shown_form(client.get(URL, {"month": "2026-12"}).content.decode())
    data["weekday0"] = ""  # no one on Mondays
    data["weekday4"] = str(committee.pk)  # Fridays to the committee member
    preview = client.post(URL, data)
    assert preview.status_code == 200 and roster() == before  # previewed, nothing written
    html = preview.content.decode()
    removed = html[html.index('id="preview-removed"') : html.index('id="preview-reassigned"')]
    assert "删除 4 天" in removed
    for day in (7, 14, 21, 28):
        assert f"<li>12月{day}日 周一 {clerk.real_name}（不再值班）</li>" in removed
    reassigned = html[html.index('id="preview-reassigned"') : html.index('id="preview-kept"')]
    assert "改排 4 天" in reassigned and f"<li>12月4日 周五 {clerk.real_name} → 孙委员</li>" in reassigned
    kept = html[html.index('id="preview-kept"') :]
    assert "保持不变 16 天" in kept and "<li>12月9日 周三 孙委员</li>" in kept
    assert f"<li>12月5日 周六 {clerk.real_name}（休息日）</li>" in kept
    assert "确认删除或改排8天并应用" in html
    # A POST without the confirmation, or with another plan's, changes nothing and shows the preview.
    for confirm in ({}, {"confirm": "0123456789abcdef"}):
        again = client.post(URL, {**data, **confirm})
        assert again.status_code == 200 and "删除 4 天" in again.content.decode()
        assert roster() == before
    stale = client.post(URL, {**data, "confirm": "0123456789abcdef"})
    assert "值班表在预览之后有了变动，请核对新的变动后重新确认。" in stale.content.decode()
    fingerprint = re.search(r'name="confirm" value="(\w+)"', html).group(1)
    done = client.post(URL, {**data, "confirm": fingerprint}, follow=True)
    assert done.redirect_chain == [(f"{URL}?month=2026-12", 302)]
    assert "已按周排班：新增0天，删除4天，改排4天。" in done.content.decode()
    after = {s.date: s.cadre_id for s in DutyShift.objects.filter(village=december.village_a1)}
    assert dt.date(2026, 12, 7) not in after and after[dt.date(2026, 12, 4)] == committee.pk
    assert after[dt.date(2026, 12, 9)] == committee.pk and after[dt.date(2026, 12, 5)] == clerk.pk
    assert len(after) == len(before) - 4


def test_a_confirmation_given_before_the_roster_changed_applies_nothing(december, committee):
    client = december.client_for(december.village_a1_clerk)
    data = {**shown_form(client.get(URL, {"month": "2026-12"}).content.decode()), "weekday0": ""}
    fingerprint = client.post(URL, data).context["plan"].fingerprint
    # Meanwhile the township puts the committee member on one Monday.
    duty.roster_set_day(
        actor=december.township_a_officer,
        village=december.village_a1,
        day=dt.date(2026, 12, 14),
        cadre=committee,
    )
    before = roster()
    response = client.post(URL, {**data, "confirm": fingerprint})
    assert response.status_code == 200 and roster() == before
    html = response.content.decode()
    assert "值班表在预览之后有了变动，请核对新的变动后重新确认。" in html
    assert "<li>12月14日 周一 孙委员（不再值班）</li>" in html


def test_days_checked_in_or_marked_absent_and_rest_days_stay(world, committee):
    clerk = world.village_a1_clerk
    absent = shift_on(world, dt.date(2026, 12, 7), clerk)
    DutyShift.objects.filter(pk=absent.pk).update(attendance="absent")
    CalendarDay.objects.create(county=world.county, date=dt.date(2026, 12, 14), kind="holiday")
    holiday = shift_on(world, dt.date(2026, 12, 14), clerk)
    client = world.client_for(clerk)
    data = {
        "form": "pattern",
        "month": "2026-12",
        "start": "2026-12-07",
        "end": "2026-12-14",
        "weekday0": committee.pk,
        "weekday1": committee.pk,
    }
    plan = client.post(URL, data).context["plan"]
    assert [(d.date.day, d.reason) for d in plan.kept] == [(7, "缺勤"), (14, "休息日")]
    assert [d.date.day for d in plan.added] == [8] and not plan.removes
    response = client.post(URL, {**data, "confirm": plan.fingerprint}, follow=True)
    assert "已按周排班：新增1天，删除0天，改排0天。" in response.content.decode()
    assert (
        DutyShift.objects.get(pk=absent.pk).cadre == clerk
        and DutyShift.objects.get(pk=holiday.pk).cadre == clerk
    )
    assert DutyShift.objects.get(date=dt.date(2026, 12, 8)).cadre == committee


def test_the_service_refuses_to_take_shifts_away_without_the_plans_fingerprint(december):
    before = roster()
    pattern = {d: december.village_a1_clerk for d in range(5)}
    with pytest.raises(duty.PatternNotConfirmed) as refused:
        duty.roster_apply_pattern(
            actor=december.village_a1_clerk,
            village=december.village_a1,
            pattern=pattern,
            start=DECEMBER,
            end=dt.date(2026, 12, 31),
        )
    assert [(d.date, d.before, d.after) for d in refused.value.plan.reassigned] == [
        (dt.date(2026, 12, 9), "孙委员", december.village_a1_clerk.real_name)
    ]
    assert roster() == before
    plan = duty.roster_apply_pattern(
        actor=december.village_a1_clerk,
        village=december.village_a1,
        pattern=pattern,
        start=DECEMBER,
        end=dt.date(2026, 12, 31),
        confirmed=refused.value.plan.fingerprint,
    )
    assert len(plan.reassigned) == 1
    assert DutyShift.objects.get(village=december.village_a1, date=dt.date(2026, 12, 9)).cadre_id == (
        december.village_a1_clerk.pk
    )


def test_bad_pattern_input_is_refused_with_a_message(world):
    client = world.client_for(world.village_a1_clerk)
    base = {"form": "pattern", "month": "2026-12", "start": "2026-12-01", "end": "2026-12-31"}
    for data, message in (
        ({**base, "weekday0": "99999"}, "周一所选干部不能排班。"),
        ({**base, "weekday0": "keep"}, "周一所选干部不能排班。"),  # nothing mixed to keep
        ({**base, "end": "2028-01-01"}, "一次最多排一年。"),
    ):
        response = client.post(URL, data, follow=True)
        assert message in response.content.decode()
    assert not DutyShift.objects.exists()


def test_the_roster_page_and_its_preview_stay_within_the_page_budget(december, django_assert_max_num_queries):
    """A fixed number of queries whatever the month holds: the pattern and the plan come from the month's
    shifts and one calendar query each."""
    client = december.client_for(december.village_a1_clerk)
    client.get(URL, {"month": "2026-12"})  # warm-up
    with django_assert_max_num_queries(15):
        data = shown_form(client.get(URL, {"month": "2026-12"}).content.decode())
    with django_assert_max_num_queries(15):
        assert client.post(URL, {**data, "weekday0": ""}).status_code == 200


def test_a_cadre_who_left_their_post_is_shown_as_such_and_unchanged_loses_nothing(december):
    """The Wednesday mix aside, Mondays to Fridays are the clerk's; the clerk's post then ends."""
    from regions.models import Post

    clerk = december.village_a1_clerk
    Post.objects.filter(user=clerk).update(ended_on=dt.date(2026, 11, 30))
    client = december.client_for(december.township_a_officer)
    html = client.get(URL, {"month": "2026-12"}).content.decode()
    assert f'<option value="{clerk.pk}" selected>{clerk.real_name}（已不在值班岗位）</option>' in html
    before = roster()
    data = shown_form(html)
    response = client.post(URL, data, follow=True)
    assert "按周排班与现有值班表一致，没有变动。" in response.content.decode()
    assert roster() == before
    # Extending the range with them is refused by the service, with its message.
    response = client.post(URL, {**data, "end": "2027-01-08"})
    plan = response.context["plan"]
    refused = client.post(URL, {**data, "end": "2027-01-08", "confirm": plan.fingerprint}, follow=True)
    assert f"{clerk.real_name}不在该村任职，不能排班。" in refused.content.decode()
    assert roster() == before


def test_a_weekday_kept_for_a_cadre_who_left_does_not_block_changing_another(december, committee):
    """Mondays to Thursdays stay the clerk's (whose post has ended); Fridays go to the committee member."""
    from regions.models import Post

    clerk = december.village_a1_clerk
    Post.objects.filter(user=clerk).update(ended_on=dt.date(2026, 11, 30))
    client = december.client_for(december.township_a_officer)
    data = {
        **shown_form(client.get(URL, {"month": "2026-12"}).content.decode()),
        "weekday4": str(committee.pk),
    }
    plan = client.post(URL, data).context["plan"]
    assert [d.date.day for d in plan.reassigned] == [4, 11, 18, 25]
    client.post(URL, {**data, "confirm": plan.fingerprint})
    fridays = DutyShift.objects.filter(village__code="419901101201", date__week_day=6, date__month=12)
    assert set(fridays.values_list("cadre_id", flat=True)) == {committee.pk}
    mondays = DutyShift.objects.filter(village__code="419901101201", date__week_day=2, date__month=12)
    assert set(mondays.values_list("cadre_id", flat=True)) == {clerk.pk}
