from django.db import migrations, models

from articles import roles

# Frozen here: editors may now add editions by hand (and assemble them now).
ROLE_PERMISSIONS = {
    roles.EINDREDACTEUR: ["add_edition"],
    roles.HOOFDREDACTIE: ["add_edition"],
}


def grant(apps, schema_editor):
    roles.grant_app_permissions(apps, app_label="newsletters", role_permissions=ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0005_edition_outage_backoff")]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="arrangement",
            field=models.CharField(
                choices=[("sections", "by section"), ("editor", "in the editor's order")],
                default="sections",
                help_text=(
                    "The lead article (the lowest position) always comes first, in the mail, the"
                    " preview and the archive; the others follow by section or in your order."
                ),
                max_length=8,
                verbose_name="order of the articles",
            ),
        ),
        migrations.AddField(
            model_name="subscriber",
            name="welcome_sent_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="welcome mail sent"
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
