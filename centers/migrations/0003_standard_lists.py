from django.db import migrations


def preload(apps, schema_editor):
    """The standard rooms, the building standard (6 categories, 12 items) and the service-item catalog."""
    from centers.standards import service_items_ensure, standard_lists_ensure

    standard_lists_ensure(apps.get_model("centers", "RoomType"), apps.get_model("centers", "ChecklistItem"))
    service_items_ensure(apps.get_model("centers", "ServiceItem"))


class Migration(migrations.Migration):
    dependencies = [("centers", "0002_initial")]

    operations = [
        migrations.RunPython(preload, migrations.RunPython.noop),
    ]
