from django.db import migrations

NEW_PERMISSION = "manage_service_items"
ROLES_WITH_IT = ("county_org", "township_leader", "township_org", "system_admin")


def preload(apps, schema_editor):
    from centers.standards import service_items_ensure

    service_items_ensure(apps.get_model("centers", "ServiceItem"))


def grant_to_existing_posts(apps, schema_editor):
    """Holders of the roles that now include manage_service_items get it on their post's region."""
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Post = apps.get_model("centers", "Post")
    Grant = apps.get_model("centers", "RegionUserObjectPermission")
    posts = Post.objects.filter(role__in=ROLES_WITH_IT, ended_on__isnull=True)
    if not posts.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="centers", model="region")
    permission, _ = Permission.objects.get_or_create(content_type=content_type, codename=NEW_PERMISSION,
                                                     defaults={"name": "维护服务事项"})
    for post in posts:
        Grant.objects.get_or_create(user_id=post.user_id, permission=permission, content_object_id=post.region_id)


class Migration(migrations.Migration):
    dependencies = [("centers", "0004_service_items_and_calendar"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(preload, migrations.RunPython.noop),
        migrations.RunPython(grant_to_existing_posts, migrations.RunPython.noop),
    ]
