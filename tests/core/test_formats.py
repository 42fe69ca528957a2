"""One way to write a rate, an amount and a figure, and township subtotals computed from their parts."""

from __future__ import annotations

from decimal import Decimal

from core.formats import Rate, figure, money, percent
from core.tables import group_by_township, totals


def test_a_rate_keeps_its_parts_and_reads_with_one_decimal():
    rate = Rate(29, 30)
    assert (rate.part, rate.whole) == (29, 30)
    assert str(rate) == "96.7%" and rate.fraction == 29 / 30
    assert str(Rate(1, 1)) == "100.0%" and str(Rate(0, 3)) == "0.0%"
    assert str(Rate(0, 0)) == "—" and Rate(0, 0).fraction is None and Rate(0, 0).percent is None
    assert str(Rate(None, None)) == "—"
    assert percent(2, 3) == "66.7%" and percent(5, 0) == "—"


def test_rates_add_by_their_parts_not_by_their_percents():
    # 1/1 and 1/3: the mean of the percents would be 66.7 %, the parts give 2/4 = 50 %.
    assert Rate(1, 1) + Rate(1, 3) == Rate(2, 4)
    assert str(Rate(1, 1) + Rate(1, 3)) == "50.0%"


def test_a_rate_compares_and_rounds_as_its_percent():
    assert Rate(1, 1) == 100 and Rate(2, 3) != 66
    assert round(Rate(2, 3), 1) == 66.7 and round(Rate(0, 0), 1) is None
    assert Rate(1, 2) != Rate(2, 4)  # the same percent, different counts
    assert Rate(0, 0).sort_key() < Rate(0, 5).sort_key() < Rate(1, 5).sort_key()


def test_money_and_figures():
    assert money(Decimal("253200")) == "253,200.00元"
    assert money(30800) == "30,800.00元" and money("12.5") == "12.50元"
    assert money(None) == "—" and money("") == "—"
    assert figure(None) == "—" and figure(12) == "12" and figure(3.456) == "3.5" and figure(0.0) == "0.0"


def test_townships_get_subtotals_and_the_county_a_total_from_the_parts():
    rows = [
        {
            "township": "安乐镇",
            "village": "白马村",
            "due": 2,
            "attended": 1,
            "rate": Rate(1, 2),
            "days": 4,
            "n": 1,
        },
        {
            "township": "安乐镇",
            "village": "张庄村",
            "due": 3,
            "attended": 3,
            "rate": Rate(3, 3),
            "days": None,
            "n": 0,
        },
        {
            "township": "柳河乡",
            "village": "白马村",
            "due": 0,
            "attended": 0,
            "rate": Rate(0, 0),
            "days": 2,
            "n": 2,
        },
    ]
    spec = {"sums": ("due", "attended"), "rates": ("rate",), "means": {"avg": ("days", "n")}}
    table = group_by_township(rows, **spec)
    assert [g.label for g in table.groups] == ["安乐镇", "柳河乡"] and table.grouped
    first, second = table.groups
    assert [r["village"] for r in first.rows] == ["白马村", "张庄村"]
    assert first.subtotal == {"due": 5, "attended": 4, "rate": Rate(4, 5), "avg": 4.0}
    assert second.subtotal == {"due": 0, "attended": 0, "rate": Rate(0, 0), "avg": 1.0}
    assert table.total == {"due": 5, "attended": 4, "rate": Rate(4, 5), "avg": 2.0}
    assert table.rows == rows
    assert not group_by_township(rows[:2], **spec).grouped
    assert totals([], **spec) == {"due": 0, "attended": 0, "rate": Rate(0, 0), "avg": None}
