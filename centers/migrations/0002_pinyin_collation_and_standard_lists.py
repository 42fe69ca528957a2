from django.db import migrations


def create_collation(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'zh-x-icu'")
        source = "zh-x-icu" if cursor.fetchone() else "C"
        # zh-x-icu sorts Chinese names by pinyin. A server built without ICU (the embedded
        # first-look server) falls back to code-point order under the same collation name.
        cursor.execute(f'CREATE COLLATION IF NOT EXISTS pinyin FROM "{source}"')


def drop_collation(apps, schema_editor):
    schema_editor.execute("DROP COLLATION IF EXISTS pinyin")


def preload(apps, schema_editor):
    from centers.standards import standard_lists_ensure

    standard_lists_ensure(apps.get_model("centers", "RoomType"), apps.get_model("centers", "ChecklistItem"))


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]

    operations = [
        migrations.RunPython(create_collation, drop_collation),
        migrations.RunPython(preload, migrations.RunPython.noop),
    ]
