from django.contrib.auth.management import create_permissions
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
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_reader_feedback"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
