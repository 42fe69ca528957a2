"""The decision record book (决策台账): Beijing time on the page and in the workbook, corrected spent amounts
kept (and exported) as amounts, the migration that turned the old text into amounts, and the links to it."""

from __future__ import annotations

import datetime
import io
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from decisions.models import Amendment, Meeting
from tests.conftest import owner_role, triggers_off
from tests.decisions.builders import amendment_confirm, disclose, matter_register, resolve, take_to_resolution

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 17:30 UTC is half past one the next morning in Beijing: the date differs too.
RECORDED_UTC = datetime.datetime(2026, 3, 4, 17, 30, tzinfo=UTC)


def _record_book(client, village, year: int):
    response = client.get(reverse("decisions:record-book", args=[village.code]) + f"?year={year}")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _rows(book, sheet: str) -> list[tuple]:
    """A sheet's rows below its title row: the header first, then the records."""
    return list(book[sheet].values)[1:]


def test_the_recording_time_is_beijing_time_on_the_page_and_in_the_workbook(world, roster, secretary, clerk):
    matter = take_to_resolution(secretary, matter_register(secretary, world.village_a1))
    meeting = matter.meetings.order_by("id").first()
    with triggers_off("decisions.Meeting:append_only"):  # the test sets the clock, not the code
        Meeting.objects.filter(pk=meeting.pk).update(recorded_at=RECORDED_UTC)
    year = matter.proposed_on.year
    sheet = _rows(_record_book(clerk, world.village_a1, year), "会议记录")
    assert sheet[0][22] == "录入时间"
    assert sheet[1][22] == datetime.datetime(2026, 3, 5, 1, 30)
    page = clerk.get(reverse("decisions:matter-record", args=[matter.pk])).content.decode()
    assert "2026年3月5日 01:30" in page


@pytest.fixture
def result(world, roster, secretary):
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=30)
    )
    disclose(secretary, matter, posted_on=today - timedelta(days=29))
    return disclose(secretary, matter, posted_on=today - timedelta(days=2), result=True, text="已建成")


def test_a_corrected_spent_amount_is_an_amount_in_the_workbook(world, result, clerk):
    url = reverse("decisions:amendment-create", args=[result.pk])
    response = clerk.post(
        url, {"field": "spent_amount", "corrected": "１１９,０００元", "reason": "发票复核"}
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert (amendment.amount, amendment.corrected, amendment.amount_unreadable) == (
        Decimal("119000.00"),
        "119000.00",
        False,
    )
    amendment_confirm(amendment)  # in force once the committee confirmed it
    year = result.matter.proposed_on.year
    matters = _rows(_record_book(clerk, world.village_a1, year), "决策事项")
    assert matters[0][9] == "实际支出（元）"
    assert matters[1][9] == 119000 and isinstance(matters[1][9], int | float)


@pytest.mark.parametrize("bad", ["118500.005", "约十二万", "-1", "1e5"])
def test_a_bad_corrected_amount_is_refused_in_chinese(world, result, clerk, bad):
    response = clerk.post(
        reverse("decisions:amendment-create", args=[result.pk]),
        {"field": "spent_amount", "corrected": bad, "reason": "发票复核"},
    )
    assert "实际支出须是不小于0的金额（元），最多两位小数，如 118500.00。" in response.content.decode()
    assert not Amendment.objects.exists()


def test_the_migration_turns_old_text_into_amounts_and_flags_the_rest(world, result, clerk, capsys):
    """Rows as they were before 0004-0006 (text only) come out with their amount, or flagged, never guessed."""
    with owner_role():  # migrations run as the owner
        _migration_turns_old_text_into_amounts(world, result, clerk, capsys)


def _migration_turns_old_text_into_amounts(world, result, clerk, capsys):
    executor = MigrationExecutor(connection)
    executor.migrate([("decisions", "0004_objection_answers_amendment_amounts")])
    old = executor.loader.project_state([("decisions", "0004_objection_answers_amendment_amounts")]).apps
    OldAmendment = old.get_model("decisions", "Amendment")  # noqa: N806
    texts = ["119000.00", "１１８，５００元", "约十二万", "118500.005"]
    ids = [
        OldAmendment.objects.create(
            disclosure_id=result.pk,
            village_id=result.village_id,
            field="spent_amount",
            original="118500.00",
            corrected=text,
            reason="旧记录",
        ).pk
        for text in texts
    ]
    text_row = OldAmendment.objects.create(
        disclosure_id=result.pk,
        village_id=result.village_id,
        field="text",
        original="a",
        corrected="b",
        reason="x",
    ).pk
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = {a.pk: a for a in Amendment.objects.all()}
    assert [(rows[i].amount, rows[i].amount_unreadable) for i in ids] == [
        (Decimal("119000.00"), False),
        (Decimal("118500.00"), False),
        (None, True),
        (None, True),
    ]
    assert (rows[text_row].amount, rows[text_row].amount_unreadable) == (None, False)
    assert "“约十二万”不是金额" in capsys.readouterr().out
    # The workbook shows the flagged text (the last correction is unreadable) for a person to check.
    year = result.matter.proposed_on.year
    matters = _rows(_record_book(clerk, world.village_a1, year), "决策事项")
    assert matters[1][9] == "无法识别：118500.005"
    module = import_module("decisions.migrations.0005_amendment_amounts_from_text")
    assert module.amount_of("1,000") == Decimal("1000") and module.amount_of("1e3") is None


def test_the_record_book_is_linked_from_the_matter_page_and_the_list(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    year = timezone.localdate().year
    book = reverse("decisions:record-book", args=[world.village_a1.code]) + f"?year={year}"
    page = clerk.get(matter.get_absolute_url()).content.decode()
    assert f'href="{book}"' in page and f"本村{year}年决策台账（Excel）" in page
    listing = clerk.get(reverse("decisions:matter-list")).content.decode()
    assert f'href="{book}"' in listing
    # A township official sees it on the list of one village, not on the township's whole list.
    township = world.client_for(world.township_a_officer)
    assert "决策台账" not in township.get(reverse("decisions:matter-list")).content.decode()
    one_village = township.get(reverse("decisions:matter-list") + f"?region={world.village_a1.code}")
    assert f'href="{book}"' in one_village.content.decode()


def test_the_spent_amount_and_its_correction_read_in_the_money_format(world, result, clerk):
    clerk.post(
        reverse("decisions:amendment-create", args=[result.pk]),
        {"field": "spent_amount", "corrected": "119000", "reason": "发票复核"},
    )
    amendment_confirm(Amendment.objects.get())
    matter_page = clerk.get(result.matter.get_absolute_url()).content.decode()
    bulletin = world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    for page in (matter_page, bulletin):
        # On the matter page, the posting's card (the committee's review above it shows the amount too).
        spent = page[page.index("实际支出", max(page.find('id="disclosure-result"'), 0)) :]
        assert f"{result.spent_amount:,.2f}元" in spent[:2000] and "119,000.00元" in spent[:2000]
