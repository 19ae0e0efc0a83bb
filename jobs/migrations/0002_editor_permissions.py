from django.db import migrations

from articles import roles

# Frozen here: editors see what background work set aside; the chief editors may clear it.
ROLE_PERMISSIONS = {
    roles.EINDREDACTEUR: ["view_setasidetask"],
    roles.HOOFDREDACTIE: ["view_setasidetask", "delete_setasidetask"],
}


def grant(apps, schema_editor):
    roles.grant_app_permissions(apps, app_label="jobs", role_permissions=ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_set_aside_tasks"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
