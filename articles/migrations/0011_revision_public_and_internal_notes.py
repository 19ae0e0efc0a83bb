"""A revision's note splits in two: the public note readers see and the internal note.

Existing notes: a correction's note was always shown on the article, so it stays public. Every
other note (an update's, a status change's, a restore's automatic "Revision N restored.") was
written under a help text that promised only correction notes reach readers: it becomes
internal. An update keeps its place and date in the public change log, without a note.
"""

from django.db import migrations, models


def split_notes(apps, schema_editor):
    Revision = apps.get_model("articles", "Revision")
    others = Revision.objects.exclude(kind="correction").exclude(public_note="")
    others.update(internal_note=models.F("public_note"), public_note="")


def join_notes(apps, schema_editor):
    Revision = apps.get_model("articles", "Revision")
    Revision.objects.exclude(internal_note="").filter(public_note="").update(
        public_note=models.F("internal_note")
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_header_text_checks")]

    operations = [
        migrations.RenameField("revision", "note", "public_note"),
        migrations.AlterField(
            model_name="revision",
            name="public_note",
            field=models.TextField(blank=True, max_length=1000, verbose_name="public note"),
        ),
        migrations.AddField(
            model_name="revision",
            name="internal_note",
            field=models.TextField(blank=True, max_length=1000, verbose_name="internal note"),
        ),
        migrations.RunPython(split_notes, join_notes),
    ]
