from django.db import migrations

from articles import roles

# Frozen here: editors see the purges (and failures); the chief editors may send them again.
ROLE_PERMISSIONS = {
    roles.EINDREDACTEUR: ["view_purge"],
    roles.HOOFDREDACTIE: ["view_purge", "change_purge"],
}


def grant(apps, schema_editor):
    roles.grant_app_permissions(apps, app_label="edge", role_permissions=ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("edge", "0001_purge"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
