from django.db import migrations


def erase_plain_passwords(apps, schema_editor):
    """Jobs finished before passwords were kept encrypted hold them in plain text: they are erased (the
    page then says to reset the password in the people page)."""
    ImportJob = apps.get_model("spreadsheets", "ImportJob")
    for job in ImportJob.objects.filter(result__has_key="accounts").only("id", "result"):
        accounts = job.result.get("accounts") or []
        if any(len(a) > 2 for a in accounts):
            job.result = {**job.result, "accounts": [a[:2] for a in accounts], "passwords_expired": True}
            job.save(update_fields=["result"])


class Migration(migrations.Migration):
    dependencies = [("spreadsheets", "0004_import_job_lease")]

    operations = [migrations.RunPython(erase_plain_passwords, migrations.RunPython.noop)]
