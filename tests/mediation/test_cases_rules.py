"""The rules of DOMAIN_RULES B.1.7 on their boundaries, through the services (``today=``) where a date
must be fixed, and through the case page's URLs where the message is what the user reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mediation import services as ms
from mediation.models import Application, RiskLevel, State
from mediation.rules import due_flag
from mediation.services.disputes import (
    ESCALATE_REASON,
    ESCALATE_SKIP,
    EXTENSION_LIMIT,
    EXTENSION_NO_CONSENT,
    PARTY_REFUSED,
)
from regions.models import CalendarDay, Grid
from tests.mediation.builders import accepted, register
from tests.mediation.cases import post

pytestmark = pytest.mark.django_db


def _accept_on(world, day: dt.date):
    return accepted(world, today=day)


def _calendar(world, day: dt.date, kind: str) -> None:
    CalendarDay.objects.create(county=world.county, date=day, kind=kind, name="测试")


# -- 明确拒绝 (人民调解法 第17条) --------------------------------------------------------------------


def test_acceptance_is_refused_when_a_party_refused_mediation(world):
    dispute = register(world)
    client = world.client_for(world.village_a1_clerk)
    second = dispute.parties.get(name="沈二")
    response, said = post(client, "dispute-party-refuse", dispute, party=second.pk, note="当面表示不愿调解")
    assert said == ["已记录：当事人沈二明确拒绝调解。"]
    page = client.get(dispute.get_absolute_url()).content.decode()
    assert PARTY_REFUSED.format(name="沈二") in page
    response, said = post(client, "dispute-accept", dispute, version=dispute.version, application="oral")
    assert said == [
        "当事人沈二明确拒绝调解，不得受理调解（《人民调解法》第十七条：当事人一方明确拒绝调解的，不得调解）。"
    ]
    dispute.refresh_from_db()
    assert dispute.state == State.REGISTERED
    # It ends as not accepted, for that reason from the fixed list.
    response, said = post(
        client,
        "dispute-refuse",
        dispute,
        version=dispute.version,
        reason="party_refused",
        advice="告知可向法院起诉",
    )
    dispute.refresh_from_db()
    assert dispute.state == State.NOT_ACCEPTED and dispute.not_accepted_reason == "party_refused", said


# -- the one-month limit (C.5, 民法典 第201–203条) ---------------------------------------------------


def test_accepted_31_jan_2027_is_due_on_the_month_end_28_feb_2027(world):
    # 28 Feb 2027 is a Sunday: made a working day (调休上班) here, so the month arithmetic alone shows.
    _calendar(world, dt.date(2027, 2, 28), CalendarDay.Kind.WORKDAY)
    assert _accept_on(world, dt.date(2027, 1, 31)).due_on == dt.date(2027, 2, 28)


def test_accepted_31_jan_2027_moves_past_the_sunday_28_feb_to_1_mar(world):
    assert _accept_on(world, dt.date(2027, 1, 31)).due_on == dt.date(2027, 3, 1)


def test_accepted_29_feb_2028_is_due_29_mar_2028(world):
    assert _accept_on(world, dt.date(2028, 2, 29)).due_on == dt.date(2028, 3, 29)


def test_accepted_10_mar_is_due_10_apr_on_time_that_day_and_red_the_next(world):
    dispute = _accept_on(world, dt.date(2026, 3, 10))
    assert dispute.due_on == dt.date(2026, 4, 10)
    assert due_flag(dispute.due_on, dt.date(2026, 4, 10), 5).colour == "yellow"
    assert due_flag(dispute.due_on, dt.date(2026, 4, 4), 5).colour == ""
    assert due_flag(dispute.due_on, dt.date(2026, 4, 11), 5).colour == "red"


def test_a_due_date_on_a_county_holiday_moves_to_the_next_working_day(world):
    _calendar(world, dt.date(2026, 4, 10), CalendarDay.Kind.HOLIDAY)
    # Friday 10 Apr is a holiday, then the weekend: Monday 13 Apr.
    assert _accept_on(world, dt.date(2026, 3, 10)).due_on == dt.date(2026, 4, 13)


def test_the_list_and_the_page_flag_an_overdue_case_red(world):
    dispute = _accept_on(world, dt.date(2026, 3, 10))
    client = world.client_for(world.village_a1_clerk)
    page = client.get(dispute.get_absolute_url()).content.decode()
    assert 'id="dispute-flag">红牌·已超期' in page
    listed = client.get("/mediation/?overdue=1").content.decode()
    assert f'data-number="{dispute.number}" data-flag="red"' in listed
    fresh = register(world)
    listed = client.get("/mediation/?overdue=1").content.decode()
    assert fresh.number not in listed
    assert f'data-number="{fresh.number}" data-flag="yellow"' in client.get("/mediation/").content.decode()


# -- extensions ----------------------------------------------------------------------------------------


def test_an_extension_needs_every_partys_consent_and_a_second_one_is_over_the_limit(world):
    dispute = _accept_on(world, dt.date(2026, 3, 10))
    first, second = dispute.parties.order_by("id")
    with pytest.raises(ValidationError) as refused:
        ms.mediation_extend(
            actor=world.village_a1_clerk,
            dispute=dispute,
            version=dispute.version,
            months=1,
            consenting_party_ids={first.pk},
            reason="双方同意继续调解",
            today=dt.date(2026, 4, 1),
        )
    assert refused.value.messages == [EXTENSION_NO_CONSENT.format(names="沈二")]
    dispute = ms.mediation_extend(
        actor=world.village_a1_clerk,
        dispute=dispute,
        version=dispute.version,
        months=1,
        consenting_party_ids={first.pk, second.pk},
        reason="双方同意继续调解",
        today=dt.date(2026, 4, 1),
    )
    # 10 May 2026 is a Sunday: the next working day.
    assert dispute.due_on == dt.date(2026, 5, 11) and dispute.extensions == 1
    with pytest.raises(ValidationError) as refused:
        ms.mediation_extend(
            actor=world.village_a1_clerk,
            dispute=dispute,
            version=dispute.version,
            months=1,
            consenting_party_ids={first.pk, second.pk},
            reason="再延一次",
            today=dt.date(2026, 5, 2),
        )
    assert refused.value.messages == [EXTENSION_LIMIT.format(n=1)]


def test_the_extend_form_without_a_partys_consent_says_who_did_not_consent(world):
    dispute = accepted(world)
    first = dispute.parties.order_by("id").first()
    client = world.client_for(world.village_a1_clerk)
    response, said = post(
        client,
        "dispute-extend",
        dispute,
        version=dispute.version,
        months=1,
        consents=[first.pk],
        reason="继续",
    )
    assert said == ["延长调解期限须经全部当事人同意，以下当事人未同意：沈二。"]
    dispute.refresh_from_db()
    assert dispute.extensions == 0


# -- escalation ----------------------------------------------------------------------------------------


def _grid_case(world, **overrides):
    grid = Grid.objects.create(village=world.village_a1, name="东片网格")
    dispute = register(world, grid=grid, **overrides)
    assert dispute.level == "grid"
    return dispute


def test_escalating_from_the_grid_to_the_township_skips_a_level_and_is_refused(world):
    dispute = _grid_case(world)
    client = world.client_for(world.village_a1_clerk)
    page = client.get(dispute.get_absolute_url()).content.decode()
    skip = ESCALATE_SKIP.format(from_level="网格", next_level="村级")
    assert skip in page  # the page says so before anyone tries
    response, said = post(
        client, "dispute-escalate", dispute, version=dispute.version, to_level="township", reason="complex"
    )
    assert said == ["上报须逐级进行（网格只能上报至村级）；只有重大风险的纠纷可以越级上报。"]
    dispute.refresh_from_db()
    assert dispute.state == State.REGISTERED and dispute.level == "grid"


def test_a_major_risk_case_may_skip_from_the_grid_to_the_township(world):
    dispute = _grid_case(world, risk_level=RiskLevel.MAJOR)
    client = world.client_for(world.village_a1_clerk)
    response, said = post(
        client, "dispute-escalate", dispute, version=dispute.version, to_level="township", reason="major_risk"
    )
    assert said == ["已上报至乡级，待上级受理。"]
    dispute.refresh_from_db()
    assert dispute.state == State.ESCALATED and dispute.handling_region == world.township_a


def test_escalation_needs_a_reason(world):
    dispute = register(world)
    client = world.client_for(world.village_a1_clerk)
    response, said = post(client, "dispute-escalate", dispute, version=dispute.version, to_level="township")
    assert said == [f"上报理由：{ESCALATE_REASON}"]
    with pytest.raises(ValidationError, match=ESCALATE_REASON):
        ms.dispute_escalate(
            actor=world.village_a1_clerk,
            dispute=dispute,
            version=dispute.version,
            to_level="township",
            reason="",
        )
    dispute.refresh_from_db()
    assert dispute.state == State.REGISTERED


def test_the_escalated_case_is_accepted_with_its_clock_restarted(world):
    dispute = accepted(world, today=dt.date(2026, 3, 10))
    dispute = ms.dispute_escalate(
        actor=world.village_a1_clerk,
        dispute=dispute,
        version=dispute.version,
        to_level="township",
        reason="complex",
        today=dt.date(2026, 3, 20),
    )
    # Three working days after Friday 20 Mar: Wednesday 25 Mar.
    assert dispute.accept_due_on == dt.date(2026, 3, 25) and dispute.due_on is None
    from tests.mediation.cases import justice_of

    dispute = ms.dispute_accept(
        actor=justice_of(world),
        dispute=dispute,
        version=dispute.version,
        application=Application.INITIATIVE,
        today=dt.date(2026, 3, 23),
    )
    assert dispute.accepted_on == dt.date(2026, 3, 23) and dispute.first_accepted_on == dt.date(2026, 3, 10)
    assert dispute.due_on == dt.date(2026, 4, 23)


def test_the_county_sees_every_red_case_of_its_villages_and_filters_them(world):
    from regions.roles import Role
    from tests.conftest import make_user
    from tests.mediation.builders import mediator_of

    a1 = _accept_on(world, dt.date(2026, 3, 10))
    b1_cadre = make_user("secretary_b1", Role.VILLAGE_SECRETARY, world.village_b1)
    b1 = accepted(world, actor=b1_cadre, village=world.village_b1, today=dt.date(2026, 3, 10))
    in_time = register(world)
    county = world.client_for(make_user("politics_law", Role.COUNTY_POLITICS_LAW, world.county))
    listed = county.get("/mediation/?overdue=1").content.decode()
    assert a1.number in listed and b1.number in listed and in_time.number not in listed
    listed = county.get(f"/mediation/?overdue=1&village={world.village_b1.code}").content.decode()
    assert b1.number in listed and a1.number not in listed
    listed = county.get("/mediation/?state=registered").content.decode()
    assert in_time.number in listed and a1.number not in listed
    listed = county.get(f"/mediation/?q={b1.number}").content.decode()
    assert b1.number in listed and a1.number not in listed
    # The township's 司法所 of A sees A's red case only.
    listed = world.client_for(mediator_of(world, "justice_a", world.township_a, Role.TOWNSHIP_JUSTICE)).get(
        "/mediation/?overdue=1"
    )
    assert a1.number in listed.content.decode() and b1.number not in listed.content.decode()
