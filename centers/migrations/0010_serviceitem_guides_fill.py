from django.db import migrations


def fill(apps, schema_editor):
    """The 办理条件 and 办理流程 of the standard service items (the public 办事明白纸); texts already written stay."""
    from centers.standards import service_item_guides_fill

    service_item_guides_fill(apps.get_model("centers", "ServiceItem"))


class Migration(migrations.Migration):
    dependencies = [("centers", "0009_serviceitem_guide_and_suggestions")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
