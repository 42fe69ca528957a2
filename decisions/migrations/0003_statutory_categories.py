from django.db import migrations

# The list as it stood at this migration (frozen: decisions.standards has moved on, see 0009).
FIRST_LIST = (
    "误工补贴人员及标准",
    "集体经济收益使用",
    "公益事业兴办和筹资筹劳",
    "土地承包经营方案",
    "集体经济项目立项和承包",
    "宅基地使用方案",
    "征地补偿费使用分配",
    "处分村集体财产",
)


def preload(apps, schema_editor):
    """The law's list of matters that must go through 四议两公开."""
    category_model = apps.get_model("decisions", "MatterCategory")
    for order, name in enumerate(FIRST_LIST, start=1):
        category_model.objects.get_or_create(region=None, name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_initial")]

    operations = [
        migrations.RunPython(preload, migrations.RunPython.noop),
    ]
