"""Reader search: PostgreSQL full-text search in Dutch, SQLite FTS5 with Dutch stemming.

On PostgreSQL the `articles_article.search_vector` column (a generated tsvector,
see migration 0005) holds headline (weight A), lede (B) and body (C) stemmed with
the `dutch` configuration, so "ontmoeten" finds "ontmoet". It is not a model field:
SQLite cannot have it, so this module reaches it through an expression.

Scale: a word in most of a million articles must not make PostgreSQL rank every match.
The ranked set is the newest CANDIDATES matching articles: the planner either walks the
newest-first partial index and stops after CANDIDATES matches (common words), or takes
the few matches from the GIN index (rare words); ranking then sorts at most CANDIDATES rows.
On SQLite see search_fts.py. Queries are first reduced to plain terms (search_terms.py).
"""

import html
import re
from datetime import datetime

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import F, Func, QuerySet, Value
from django.db.models.expressions import Expression
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import search_fts, search_terms
from .models import Article

# Markers ts_headline puts around matches; control characters no article contains.
_START, _STOP = "\x02", "\x03"
# How many of the newest matches are ranked (see the module's docstring).
CANDIDATES = 500


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def search_articles(
    *, query: str, section_slug: str = "", since: datetime | None = None
) -> QuerySet[Article]:
    """Visible articles matching `query`, best first; `snippet()` gives each its extract."""
    articles = Article.objects.visible().select_related("section").defer("body", "corrections")
    if section_slug:
        articles = articles.filter(section__slug=section_slug)
    if since is not None:
        articles = articles.filter(published_at__gte=since)
    terms = search_terms.parse(query)
    if not search_terms.has_positive(terms):
        return articles.none()
    if uses_full_text_search():
        return _full_text(articles, search_terms.websearch(terms))
    match = search_terms.fts5_match(terms)
    if connection.vendor != "sqlite" or not match:
        return articles.none()
    return search_fts.matching(articles, match)


class _SearchVector(Expression):
    """The search_vector column of the query's own articles table (also as a subquery)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f'{compiler.quote_name_unless_alias(alias)}."search_vector"', []


def _full_text(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    tsquery = SearchQuery(query, config="dutch", search_type="websearch")
    vector = _SearchVector()
    candidates = (
        articles.alias(search_vector=vector)
        .filter(search_vector=tsquery)
        .order_by("-published_at", "-pk")
        .values("pk")[:CANDIDATES]
    )
    body_text = Func(F("body"), Value("<[^>]+>"), Value(" "), Value("g"), function="regexp_replace")
    return (
        Article.objects.filter(pk__in=candidates)
        .select_related("section")
        .defer("body", "corrections")
        .alias(search_vector=vector)
        .annotate(
            # F(): SearchRank("search_vector", …) would re-parse the column in English.
            rank=SearchRank(F("search_vector"), tsquery),
            raw_snippet=SearchHeadline(
                body_text,
                tsquery,
                config="dutch",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def snippet(article: Article, query: str) -> SafeString:
    """The highlighted extract of a search result, escaped, with <mark> around matches.

    PostgreSQL's ts_headline picks the extract from the body; otherwise it is the lede
    with the words of the query marked.
    """
    raw = getattr(article, "raw_snippet", None)
    if raw and _START in raw:
        text = escape(html.unescape(raw))  # the body's text, with its entities
    else:
        text = escape(_mark_words(article.lede, query.split()[:10]))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def _mark_words(text: str, words: list[str]) -> str:
    words = [word for word in words if word.strip()]
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return pattern.sub(lambda match: f"{_START}{match.group(0)}{_STOP}", text)
