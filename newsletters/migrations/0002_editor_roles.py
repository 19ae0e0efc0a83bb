from importlib import import_module

from django.db import migrations

# The roles now hold the newsletter permissions too (articles/roles.py); apply them again.
create_roles = import_module("articles.migrations.0002_roles").create_roles


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
        ("articles", "0003_article_revision_number"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
