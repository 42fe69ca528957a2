from django.db import migrations

# Roles that now hold the decision permissions on their post's region (centers.roles).
NEW_GRANTS = {
    "manage_decisions": ("village_secretary", "village_committee", "first_secretary", "system_admin"),
    "supervise_decisions": ("village_supervisor", "system_admin"),
    "manage_decision_categories": ("county_org", "township_leader", "township_org", "system_admin"),
}
NAMES = {"manage_decisions": "办理民主决策事项", "supervise_decisions": "记录村务监督意见",
         "manage_decision_categories": "维护决策事项类别"}


def preload(apps, schema_editor):
    from decisions.standards import categories_ensure

    categories_ensure(apps.get_model("decisions", "MatterCategory"))


def grant_to_existing_posts(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Post = apps.get_model("centers", "Post")
    Grant = apps.get_model("centers", "RegionUserObjectPermission")
    for codename, roles in NEW_GRANTS.items():
        posts = Post.objects.filter(role__in=roles, ended_on__isnull=True)
        if not posts.exists():
            continue
        content_type, _ = ContentType.objects.get_or_create(app_label="centers", model="region")
        permission, _ = Permission.objects.get_or_create(content_type=content_type, codename=codename,
                                                         defaults={"name": NAMES[codename]})
        for post in posts:
            Grant.objects.get_or_create(user_id=post.user_id, permission=permission,
                                        content_object_id=post.region_id)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial"), ("centers", "0009_decision_permissions"),
                    ("auth", "0012_alter_user_first_name_max_length"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(preload, migrations.RunPython.noop),
        migrations.RunPython(grant_to_existing_posts, migrations.RunPython.noop),
    ]
