"""Villagers file objections on the public bulletin while a posting's period runs: name and phone (a mainland
mobile or a landline), rate-limited per client address and per posting, shown masked on the page; the
village's cadres are told and see the full phone only through an audited reveal (DOMAIN_RULES A.2.6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import PersonalDataReveal
from core.personal_data import CONTACT_PHONE_INVALID
from decisions.models import Disclosure, Matter, Objection
from decisions.services import objection_record
from decisions.services.objections import PUBLIC_MATTER_MOVED
from decisions.views_public import OBJECTION_ADDRESS_LIMIT, OBJECTION_POSTING_LIMIT, OBJECTION_TOO_MANY
from notifications.models import Notification
from tests.conftest import make_user
from tests.decisions.builders import disclose, matter_register, resolve, roster_for, zh

pytestmark = pytest.mark.django_db

FILING = {"name": "张三", "phone": "138 1234 5678", "summary": "广场占用了村民的集体晒场"}


@pytest.fixture
def running(world, roster, secretary) -> Disclosure:
    """A resolution posted yesterday: its period runs."""
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=5)
    )
    return disclose(secretary, matter, posted_on=today - timedelta(days=1))


def url_of(disclosure: Disclosure, code: str | None = None) -> str:
    return reverse("bulletin-objection", args=[code or disclosure.village.code, disclosure.pk])


def file(disclosure: Disclosure, data: dict | None = None, address: str = "10.1.1.1", client=None):
    return (client or Client()).post(url_of(disclosure), data or FILING, REMOTE_ADDR=address)


def test_a_villager_files_an_objection_that_is_shown_masked_and_told_to_the_village(world, running):
    page = Client().get(url_of(running)).content.decode()
    assert 'id="objection-form"' in page and "csrfmiddlewaretoken" in page
    response = file(running)
    assert response.status_code == 302 and response["Location"] == f"{url_of(running)}?filed=1"
    objection = Objection.objects.get()
    assert (objection.source, objection.name, objection.phone) == ("public", "张三", "13812345678")
    assert objection.received_on == timezone.localdate() and objection.recorded_by is None
    assert objection.disclosure == running and objection.answered_on is None
    # The village's secretary (village A1's clerk) is told, with a link to the matter.
    told = Notification.objects.get(kind="decision_public_objection")
    assert told.recipient == world.village_a1_clerk and told.url == running.matter.get_absolute_url()
    # The page lists it masked: 张* and 138****5678, never the full name or number.
    page = Client().get(f"{url_of(running)}?filed=1").content.decode()
    assert 'id="objection-filed"' in page
    assert "张*（138****5678）" in page and FILING["summary"] in page
    assert "张三" not in page and "13812345678" not in page
    # The bulletin counts it and links to the list; no name there either.
    bulletin = Client().get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    assert "收到异议1条，已答复0条" in bulletin and url_of(running) in bulletin and "张三" not in bulletin


def test_a_landline_with_its_area_code_is_accepted_and_masked(world, running):
    assert file(running, {**FILING, "phone": "0395-1234567"}).status_code == 302
    assert Objection.objects.get().phone == "03951234567"
    assert "039****4567" in Client().get(url_of(running)).content.decode()


@pytest.mark.parametrize(
    "phone", ["1381234567", "138123456789", "12812345678", "395-1234567", "0395-12345", "电话"]
)
def test_a_bad_phone_is_refused_with_a_clear_message(world, running, phone):
    response = file(running, {**FILING, "phone": phone})
    assert response.status_code == 200
    assert CONTACT_PHONE_INVALID in response.content.decode()
    assert not Objection.objects.exists()
    assert not Notification.objects.filter(kind="decision_public_objection").exists()


def test_name_and_content_are_required(world, running):
    response = file(running, {"name": " ", "phone": "13812345678", "summary": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "请填写您的姓名。" in page and "请填写异议内容。" in page
    assert not Objection.objects.exists()


def test_outside_the_period_the_filing_is_refused(world, roster, secretary, running):
    today = timezone.localdate()
    matter = resolve(
        secretary,
        matter_register(secretary, world.village_a1, title="调整误工补贴"),
        held_on=today - timedelta(days=30),
    )
    ended = disclose(secretary, matter, posted_on=today - timedelta(days=29))
    assert ended.ends_on < today
    page = Client().get(url_of(ended)).content.decode()
    assert 'id="objection-form"' not in page and 'id="objection-closed"' in page
    response = file(ended)
    assert response.status_code == 200
    expected = (
        f"该公示的公示期为{zh(ended.posted_on)}至{zh(ended.ends_on)}，现在不在公示期内，不能在线提出异议。"
    )
    assert expected in response.content.decode()
    assert not Objection.objects.exists()


def test_a_posting_the_matter_has_left_takes_no_filing(world, running, secretary):
    """The posting's period runs, but the matter moved on (here: terminated): no filing."""
    matter = running.matter
    Matter.objects.filter(pk=matter.pk).update(status="terminated")
    response = file(running)
    assert response.status_code == 200 and PUBLIC_MATTER_MOVED in response.content.decode()
    assert not Objection.objects.exists()


def test_filings_are_limited_per_address_and_wrong_entries_do_not_count(world, running):
    for _ in range(3):  # typos do not use up the allowance
        assert file(running, {**FILING, "phone": "123"}).status_code == 200
    for n in range(OBJECTION_ADDRESS_LIMIT):
        assert file(running, {**FILING, "summary": f"第{n}条意见"}).status_code == 302
    response = file(running, {**FILING, "summary": "再多一条"})
    assert response.status_code == 429 and OBJECTION_TOO_MANY in response.content.decode()
    assert Objection.objects.count() == OBJECTION_ADDRESS_LIMIT
    # Another address may still file.
    assert file(running, {**FILING, "summary": "邻居的意见"}, address="10.1.1.2").status_code == 302


def test_filings_are_limited_per_posting_across_addresses(world, running):
    for n in range(OBJECTION_POSTING_LIMIT):
        assert file(running, {**FILING, "summary": f"第{n}条"}, address=f"10.2.0.{n + 1}").status_code == 302
    response = file(running, {**FILING, "summary": "再多一条"}, address="10.2.1.1")
    assert response.status_code == 429 and OBJECTION_TOO_MANY in response.content.decode()
    assert Objection.objects.count() == OBJECTION_POSTING_LIMIT


def test_another_villages_or_an_unknown_posting_answers_404(world, running):
    b1 = make_user("b1_secretary", "village_secretary", world.village_b1)
    roster_for(world.village_b1)
    other = resolve(b1, matter_register(b1, world.village_b1, title="李楼村道路硬化"))
    foreign = disclose(b1, other, posted_on=timezone.localdate())
    assert Client().get(url_of(foreign, code=world.village_a1.code)).status_code == 404
    assert file(foreign, client=Client()).status_code == 302  # under its own village's code it works
    assert Client().post(url_of(foreign, code=world.village_a1.code), FILING).status_code == 404
    assert Client().get(url_of(running, code=world.township_a.code)).status_code == 404
    assert (
        Client().get(reverse("bulletin-objection", args=[world.village_a1.code, 999999])).status_code == 404
    )


def test_csrf_stays_on(world, running):
    response = Client(enforce_csrf_checks=True).post(url_of(running), FILING, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_the_cadre_sees_it_masked_and_reveals_it_once_audited(world, running, clerk):
    file(running)
    objection = Objection.objects.get()
    page = clerk.get(running.matter.get_absolute_url()).content.decode()
    assert "张* 138****5678" in page and "13812345678" not in page
    reveal = reverse("decisions:objection-reveal", args=[objection.pk])
    assert f'hx-post="{reveal}"' in page
    response = clerk.post(reveal)
    assert response.status_code == 200 and "张三" in response.content.decode()
    assert "13812345678" in response.content.decode()
    seen = PersonalDataReveal.objects.get()
    assert (seen.user, seen.record_id, seen.fields) == (world.village_a1_clerk, objection.pk, "name,phone")
    # The township follows the matter but does not handle the villager's objection: no reveal.
    officer = world.client_for(world.township_a_officer)
    assert f'hx-post="{reveal}"' not in officer.get(running.matter.get_absolute_url()).content.decode()
    assert officer.post(reveal).status_code == 403
    assert world.client_for(world.township_b_officer).post(reveal).status_code == 404
    assert PersonalDataReveal.objects.count() == 1


def test_a_cadres_record_has_nothing_to_reveal(world, running, clerk, secretary):
    objection = objection_record(
        actor=secretary, disclosure=running, received_on=timezone.localdate(), summary="选址有意见"
    )
    assert clerk.post(reverse("decisions:objection-reveal", args=[objection.pk])).status_code == 404
    assert not PersonalDataReveal.objects.exists()
