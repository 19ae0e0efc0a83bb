"""Search on SQLite (`make run`): an FTS5 index of stemmed Dutch text, ranked with bm25.

`article_fts` holds each article's headline, lede and body as stems (search_terms.stemmed_text,
registered on every SQLite connection as the SQL function kopij_stem). Triggers keep it in step
with articles_article. They are (re)made after every migrate, because SQLite migrations that
rebuild the articles table drop its triggers; when they had to be made, the index is rebuilt.
"""

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .search_terms import stemmed_text

# bm25 weights of headline, lede and body.
RANK = "bm25(10.0, 4.0, 1.0)"
CANDIDATES = 500

_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS article_fts
USING fts5(headline, lede, body, tokenize = 'unicode61 remove_diacritics 2')
"""
_TRIGGERS = {
    "article_fts_insert": """
        CREATE TRIGGER article_fts_insert AFTER INSERT ON articles_article BEGIN
            INSERT INTO article_fts (rowid, headline, lede, body) VALUES
            (new.id, kopij_stem(new.headline), kopij_stem(new.lede), kopij_stem(new.body));
        END""",
    "article_fts_update": """
        CREATE TRIGGER article_fts_update AFTER UPDATE OF headline, lede, body
        ON articles_article BEGIN
            DELETE FROM article_fts WHERE rowid = old.id;
            INSERT INTO article_fts (rowid, headline, lede, body) VALUES
            (new.id, kopij_stem(new.headline), kopij_stem(new.lede), kopij_stem(new.body));
        END""",
    "article_fts_delete": """
        CREATE TRIGGER article_fts_delete AFTER DELETE ON articles_article BEGIN
            DELETE FROM article_fts WHERE rowid = old.id;
        END""",
}


def register_stemmer(sender, connection, **kwargs) -> None:
    """connection_created: give SQLite connections the kopij_stem() the triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("kopij_stem", 1, stemmed_text, deterministic=True)


def ensure_index(using: str = "default", **kwargs) -> None:
    """post_migrate: make the FTS table and its triggers if missing, and fill it then."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        register_stemmer(None, connection)
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'article_fts_%'"
        )
        present = {name for (name,) in cursor.fetchall()}
        if present == set(_TRIGGERS):
            return
        cursor.execute(_TABLE)
        cursor.execute("INSERT INTO article_fts (article_fts, rank) VALUES ('rank', %s)", [RANK])
        for name, sql in _TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(sql)
        cursor.execute("DELETE FROM article_fts")
        cursor.execute(
            "INSERT INTO article_fts (rowid, headline, lede, body) SELECT id,"
            " kopij_stem(headline), kopij_stem(lede), kopij_stem(body) FROM articles_article"
        )


def matching(articles: QuerySet, match: str) -> QuerySet:
    """`articles` matching the FTS5 expression, best bm25 rank first (at most CANDIDATES)."""
    candidates = RawSQL(
        "SELECT rowid FROM article_fts WHERE article_fts MATCH %s ORDER BY rank LIMIT %s",
        [match, CANDIDATES],
    )
    rank = RawSQL(
        "(SELECT rank FROM article_fts WHERE article_fts MATCH %s"
        ' AND article_fts.rowid = "articles_article"."id")',
        [match],
    )
    return articles.filter(pk__in=candidates).annotate(rank=rank).order_by("rank", "-published_at")
