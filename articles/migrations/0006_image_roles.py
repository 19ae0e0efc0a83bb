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
    roles.grant_app_permissions(apps, app_label="articles", role_permissions=ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_article_search_vector")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
