from django.db import migrations


def preload(apps, schema_editor):
    """The law's list of matters that must go through 四议两公开."""
    from decisions.standards import categories_ensure

    categories_ensure(apps.get_model("decisions", "MatterCategory"))


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_initial")]

    operations = [
        migrations.RunPython(preload, migrations.RunPython.noop),
    ]
