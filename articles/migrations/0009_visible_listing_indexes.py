"""Partial indexes for every reader listing (see Article.Meta), and on PostgreSQL one for the
sitemap index: the latest change among each month's visible articles, one index probe a month.
"""

from django.db import migrations, models


# The sitemap index (articles/sitemaps.py, month_lastmods): per month m,
# WHERE visible AND date_trunc('month', published_at AT TIME ZONE 'UTC') = m
# ORDER BY coalesce(modified_at, published_at) DESC LIMIT 1.
MONTH_INDEX = """
CREATE INDEX article_visible_month_idx ON articles_article (
    date_trunc('month', published_at AT TIME ZONE 'UTC'),
    coalesce(modified_at, published_at) DESC
) WHERE status IN ('scheduled', 'published');
"""


def add_month_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MONTH_INDEX)


def drop_month_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_visible_month_idx")


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_revision_authors_and_photos'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='article',
            name='article_status_pub_idx',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='article_section_pub_idx',
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(models.OrderBy(models.F('published_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('status__in', ['scheduled', 'published'])), name='article_visible_latest_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(models.F('section'), models.OrderBy(models.F('published_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('status__in', ['scheduled', 'published'])), name='article_visible_section_idx'),
        ),
        migrations.RunPython(add_month_index, drop_month_index),
    ]
