"""Rates (core.formats.Rate, under the charts and in every table): computed from the integers, rounded half up to one decimal (DOMAIN_RULES 0.3.4)."""

from __future__ import annotations

import pytest

from core.formats import Rate


@pytest.mark.parametrize(
    "part,whole,text,value",
    [
        (1372, 1393, "98.5%", 98.5),  # the seeds' 化解率
        (146, 367, "39.8%", 39.8),  # not the seed's 39.5%
        (2, 3, "66.7%", 66.7),
        (1, 16, "6.3%", 6.3),  # 6.25: half up, not to even
        (1, 1, "100.0%", 100.0),
        (0, 4, "0.0%", 0.0),
        (0, 0, "—", None),
    ],
)
def test_rate_from_integers_half_up(part, whole, text, value):
    rate = Rate(part, whole)
    assert str(rate) == text
    assert (None if rate.rounded is None else float(rate.rounded)) == value
