"""The statutory categories of matters that must go through 四议两公开 (the law's list; counties add their own).

Items 1-9 are 村民委员会组织法 第24条 (一)-(九). The two land-contract matters after them are statutory too
but come from 农村土地承包法 (第28条 adjusting contracted land, 第52条 contracting to outsiders): they are
separate entries because they need two thirds of all entitled members, not the ordinary majority; so does
the contracting plan (第24条 (四), 农村土地承包法 第19条).
"""

from __future__ import annotations

STANDARD = "standard"
TWO_THIRDS = "two_thirds"

STATUTORY_CATEGORIES = (
    ("误工补贴人员及标准", STANDARD),
    ("集体经济收益使用", STANDARD),
    ("公益事业的兴办和筹资筹劳方案及建设承包方案", STANDARD),
    ("土地承包经营方案", TWO_THIRDS),
    ("集体经济项目立项和承包", STANDARD),
    ("宅基地使用方案", STANDARD),
    ("征地补偿费使用分配", STANDARD),
    ("以借贷、租赁或者其他方式处分村集体财产", STANDARD),
    ("其他涉及村民利益的事项（村民会议认定）", STANDARD),
    ("承包期内调整承包地（农村土地承包法第二十八条）", TWO_THIRDS),
    ("发包给本集体经济组织以外的单位或者个人（农村土地承包法第五十二条）", TWO_THIRDS),
)
# Earlier, shorter names of items (三) and (八) (DOMAIN_RULES A.2.4): renamed in place, so their matters keep
# their category.
RENAMED = {
    "公益事业兴办和筹资筹劳": "公益事业的兴办和筹资筹劳方案及建设承包方案",
    "处分村集体财产": "以借贷、租赁或者其他方式处分村集体财产",
}


def categories_ensure(category_model=None) -> None:
    """Creates the statutory categories that are missing, renames the old names and sets each one's
    majority (idempotent; migrations pass their model)."""
    if category_model is None:
        from decisions.models import MatterCategory

        category_model = MatterCategory
    statutory = category_model.objects.filter(region=None)
    for old, new in RENAMED.items():
        if not statutory.filter(name=new).exists():
            statutory.filter(name=old).update(name=new)
    for order, (name, majority) in enumerate(STATUTORY_CATEGORIES, start=1):
        category, created = category_model.objects.get_or_create(
            region=None, name=name, defaults={"sort_order": order, "majority": majority}
        )
        if not created and (category.sort_order, category.majority) != (order, majority):
            category.sort_order, category.majority = order, majority
            category.save(update_fields=["sort_order", "majority"])
