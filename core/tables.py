"""Tables that compare villages: rows grouped by township with a subtotal each and a total, computed
from the rows' parts (a subtotal's rate is its summed numerators over its summed denominators, an average
its summed days over its counted rows), so a page, a panel and a spreadsheet give the same figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby

from core.formats import Rate


@dataclass
class Group:
    label: str
    rows: list[dict] = field(default_factory=list)
    subtotal: dict = field(default_factory=dict)


@dataclass
class GroupedTable:
    groups: list[Group]
    total: dict

    @property
    def rows(self) -> list[dict]:
        return [row for group in self.groups for row in group.rows]

    @property
    def grouped(self) -> bool:
        """More than one township: the township column and the subtotals are worth showing."""
        return len(self.groups) > 1


def totals(
    rows: Iterable[dict],
    *,
    sums: tuple[str, ...] = (),
    rates: tuple[str, ...] = (),
    means: dict[str, tuple[str, str]] | None = None,
) -> dict:
    """Sums of ``sums``, the sum of each Rate in ``rates`` and, for each ``means`` entry name ->
    (total field, count field), the total over the count (None when nothing was counted)."""
    rows = list(rows)
    result: dict = {name: sum(row[name] or 0 for row in rows) for name in sums}
    for name in rates:
        result[name] = sum((row[name] for row in rows), Rate(0, 0))
    for name, (total_field, count_field) in (means or {}).items():
        total = sum(row[total_field] or 0 for row in rows)
        count = sum(row[count_field] or 0 for row in rows)
        result[name] = total / count if count else None
    return result


def group_by_township(rows: Iterable[dict], *, township: str = "township", **spec) -> GroupedTable:
    """Rows (already ordered so that a township's villages are together, e.g. by village code) in one
    group per township, each with its subtotal, and the total of all; ``spec`` as for ``totals``."""
    rows = list(rows)
    groups = [
        Group(label=label, rows=members, subtotal=totals(members, **spec))
        for label, members in (
            (label, list(members)) for label, members in groupby(rows, key=lambda r: r[township])
        )
    ]
    return GroupedTable(groups=groups, total=totals(rows, **spec))
