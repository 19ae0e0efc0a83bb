from django.contrib.auth.management import create_permissions
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
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("newsletters")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="newsletters", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
