"""Full-text search on PostgreSQL: a generated tsvector column and its GIN index.

Not a model field because SQLite has neither; articles/search.py reads the column
through an expression, and on other databases this migration does nothing.
"""

from django.db import migrations

ADD_SEARCH_VECTOR = """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('dutch', coalesce(headline, '')), 'A')
    || setweight(to_tsvector('dutch', coalesce(lede, '')), 'B')
    || setweight(to_tsvector('dutch', regexp_replace(coalesce(body, ''), '<[^>]+>', ' ', 'g')), 'C')
) STORED;
-- Reader search (/zoeken/): WHERE search_vector @@ websearch_to_tsquery('dutch', q).
CREATE INDEX article_search_vector_idx ON articles_article USING gin (search_vector);
"""

DROP_SEARCH_VECTOR = """
DROP INDEX IF EXISTS article_search_vector_idx;
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector;
"""


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_SEARCH_VECTOR)


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SEARCH_VECTOR)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_images")]

    operations = [migrations.RunPython(add_search_vector, drop_search_vector)]
