from django.db import migrations

from articles import roles

# Frozen here: what each role may do with the newsletter. Editors curate and send
# editions; the editors-in-chief also see and manage subscribers.
_EDITOR = [
    "view_edition",
    "change_edition",
    "send_edition",
    "add_editionitem",
    "change_editionitem",
    "delete_editionitem",
    "view_editionitem",
    "view_delivery",
]
ROLE_PERMISSIONS = {
    roles.EINDREDACTEUR: _EDITOR,
    roles.HOOFDREDACTIE: [*_EDITOR, "view_subscriber", "change_subscriber", "view_consentrecord"],
}


def grant(apps, schema_editor):
    roles.grant_app_permissions(apps, app_label="newsletters", role_permissions=ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
