"""The statutory categories of matters that must go through 四议两公开 (the law's list; counties add their own)."""

from __future__ import annotations

STATUTORY_CATEGORIES = (
    "误工补贴人员及标准",
    "集体经济收益使用",
    "公益事业兴办和筹资筹劳",
    "土地承包经营方案",
    "集体经济项目立项和承包",
    "宅基地使用方案",
    "征地补偿费使用分配",
    "处分村集体财产",
)


def categories_ensure(category_model=None) -> None:
    """Creates the statutory categories that are missing (idempotent; migrations pass their model)."""
    if category_model is None:
        from decisions.models import MatterCategory

        category_model = MatterCategory
    for order, name in enumerate(STATUTORY_CATEGORIES, start=1):
        category_model.objects.get_or_create(region=None, name=name, defaults={"sort_order": order})
