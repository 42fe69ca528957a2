from django.db import migrations

# Frozen copy of decisions.standards at this migration: 组织法 第24条 (一)-(九) with (三) and (八) in the
# law's wording, then the two land-contract matters; the land ones need two thirds of all entitled.
LIST = (
    ("误工补贴人员及标准", "standard"),
    ("集体经济收益使用", "standard"),
    ("公益事业的兴办和筹资筹劳方案及建设承包方案", "standard"),
    ("土地承包经营方案", "two_thirds"),
    ("集体经济项目立项和承包", "standard"),
    ("宅基地使用方案", "standard"),
    ("征地补偿费使用分配", "standard"),
    ("以借贷、租赁或者其他方式处分村集体财产", "standard"),
    ("其他涉及村民利益的事项（村民会议认定）", "standard"),
    ("承包期内调整承包地（农村土地承包法第二十八条）", "two_thirds"),
    ("发包给本集体经济组织以外的单位或者个人（农村土地承包法第五十二条）", "two_thirds"),
)
RENAMED = {
    "公益事业兴办和筹资筹劳": "公益事业的兴办和筹资筹劳方案及建设承包方案",
    "处分村集体财产": "以借贷、租赁或者其他方式处分村集体财产",
}


def update(apps, schema_editor):
    category_model = apps.get_model("decisions", "MatterCategory")
    statutory = category_model.objects.filter(region=None)
    for old, new in RENAMED.items():
        if not statutory.filter(name=new).exists():
            statutory.filter(name=old).update(name=new)
    for order, (name, majority) in enumerate(LIST, start=1):
        category_model.objects.update_or_create(
            region=None, name=name, defaults={"sort_order": order, "majority": majority}
        )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0010_quorum_rules_notice_and_period")]

    operations = [
        migrations.RunPython(update, migrations.RunPython.noop),
    ]
