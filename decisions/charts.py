"""Home-page chart of the decisions system (registered in apps.py; see core.charts): the matters in
progress below a region by the step of 四议两公开 they are at."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, QuerySet, Value

from core.charts import ChartRow, ChartTable
from decisions.models import STEP_ORDER, Matter, Step
from regions.models import Region


def matters_by_step_rows(*, region: Region, today: datetime.date) -> QuerySet:
    """Open matters (办理中) below ``region`` by current step: v1 their number. One grouped query."""
    return (
        Matter.objects.within(region)
        .filter(status=Matter.Status.OPEN)
        .annotate(key=F("step"), label=Value(""))
        .values("key", "label")
        .annotate(v1=Count("pk"))
    )


def matters_by_step_build(*, rows: list[ChartRow], region: Region, today: datetime.date) -> dict:
    counts = {row.key: row.values[0] for row in rows}
    labels = [step.label for step in STEP_ORDER]
    values = [counts.get(step.value, 0) for step in STEP_ORDER]
    table = tuple(zip(labels, values, strict=True)) + (("合计", sum(values)),)
    option = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 16, "bottom": 8, "containLabel": True},
        # The steps read top to bottom in their order; long names need the width of a phone.
        "yAxis": {
            "type": "category",
            "data": labels,
            "inverse": True,
            "axisLabel": {"width": 110, "overflow": "break"},
        },
        "xAxis": {"type": "value", "name": "件", "minInterval": 1},
        "series": [
            {
                "name": "办理中事项",
                "type": "bar",
                "data": values,
                "barMaxWidth": 22,
                "itemStyle": {"color": "#c8161d"},
                "label": {"show": True, "position": "right"},
            }
        ],
    }
    return {
        "option": option,
        "table": ChartTable(("环节", "办理中事项"), table),
        "height": 320,
        "note": f"办理中的决策事项按当前环节统计（共{len(Step)}个环节）。",
    }
