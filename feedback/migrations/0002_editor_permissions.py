from django.db import migrations

from articles import roles

# Frozen here: what each role may do with reader feedback.
_EDITOR = [
    "view_vote",
    "view_articleusefulness",
    "view_typoreport",
    "change_typoreport",
]
ROLE_PERMISSIONS = {
    roles.EINDREDACTEUR: _EDITOR,
    roles.HOOFDREDACTIE: [*_EDITOR, "delete_typoreport", "delete_vote"],
}


def grant(apps, schema_editor):
    roles.grant_app_permissions(apps, app_label="feedback", role_permissions=ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_reader_feedback"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
