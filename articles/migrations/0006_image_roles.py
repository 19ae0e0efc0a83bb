from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles import roles

# Frozen here: what each role may do with photos. Reporters upload and describe them
# and place them in their articles; editors may also delete them.
_REPORTER = [
    "add_image",
    "change_image",
    "view_image",
    "add_inlineimage",
    "change_inlineimage",
    "delete_inlineimage",
    "view_inlineimage",
]
ROLE_PERMISSIONS = {
    roles.VERSLAGGEVER: _REPORTER,
    roles.EINDREDACTEUR: [*_REPORTER, "delete_image"],
    roles.HOOFDREDACTIE: [*_REPORTER, "delete_image"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_article_search_vector")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
