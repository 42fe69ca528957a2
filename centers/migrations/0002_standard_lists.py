from django.db import migrations


def preload(apps, schema_editor):
    from centers.standards import standard_lists_ensure

    standard_lists_ensure(apps.get_model("centers", "RoomType"), apps.get_model("centers", "ChecklistItem"))


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]

    operations = [
        migrations.RunPython(preload, migrations.RunPython.noop),
    ]
