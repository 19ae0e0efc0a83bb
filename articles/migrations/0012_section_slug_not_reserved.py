"""Reserved first path segments can no longer be section slugs, whoever creates the section.

Uploads moved from /media/ to /uploads/ (MEDIA_URL), so the demo section `media` is
reachable behind a proxy; a section that had a reserved slug (unreachable until now)
gets `-rubriek` appended, so the constraint can hold.
"""

from django.db import migrations, models

RESERVED = [
    "accounts", "admin", "api", "archief", "auteur", "colofon", "feedback", "feeds",
    "health", "nieuwsbrief", "preview", "privacy", "robots.txt", "rss", "sitemap-news.xml",
    "sitemap.xml", "static", "taalfout", "uploads", "zoeken",
]  # fmt: skip


def rename_reserved(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    for section in Section.objects.filter(slug__in=RESERVED):
        section.slug = f"{section.slug}-rubriek"[:60]
        section.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_revision_public_and_internal_notes"),
    ]

    operations = [
        migrations.RunPython(rename_reserved, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.CheckConstraint(
                condition=models.Q(("slug__in", RESERVED), _negated=True),
                name="section_slug_not_reserved",
                violation_error_message="This slug is reserved for another page of the site.",
            ),
        ),
    ]
