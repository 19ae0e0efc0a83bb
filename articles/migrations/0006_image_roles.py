from importlib import import_module

from django.db import migrations

# The same step as 0002: create the new models' permissions, then sync the role groups.
create_roles = import_module("articles.migrations.0002_roles").create_roles


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_article_search_vector")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
