"""sitemap.xml: an index of the sections' sitemap and one sitemap per month of articles,
and the Google News sitemap (the last 48 hours).

Months are UTC months. The index gives each month the latest change among its articles;
on PostgreSQL one index probe a month (article_visible_month_idx, migration 0009), so the
index costs the number of months, not of articles.
"""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.db import connection
from django.db.models import Max
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from newsroom.links import absolute_url

from .models import Article, Author, Section

# Google News takes articles of the last two days, at most a thousand.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class SiteUrlSitemap(Sitemap):
    """Absolute URLs on SITE_URL, whatever host the request came in on."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(absolute_url("/")).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(absolute_url("/")).netloc


class SectionSitemap(SiteUrlSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.order_by("position", "name")


class AuthorSitemap(SiteUrlSitemap):
    changefreq = "daily"

    def items(self):
        # As many as the newsroom has people, not articles: a small page.
        return Author.objects.order_by("pk").only("slug")


SITEMAPS = {"sections": SectionSitemap, "authors": AuthorSitemap}


def news_articles():
    """(section slug, slug, published_at, modified_at, headline) of the last 48 hours, newest
    first: a range scan of article_visible_latest_idx, at most NEWS_LIMIT rows."""
    since = timezone.now() - NEWS_WINDOW
    return (
        Article.objects.visible()
        .filter(published_at__gte=since)
        .order_by("-published_at", "-pk")
        .values_list("section__slug", "slug", "published_at", "modified_at", "headline")[
            :NEWS_LIMIT
        ]
    )


def month_range(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    return start, datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)


def month_lastmods() -> list[tuple[date, datetime]]:
    """Each month with visible articles, oldest first, with its latest publication or change."""
    first = Article.objects.visible().order_by("published_at").values_list("published_at").first()
    if first is None:
        return []
    last_change = Coalesce("modified_at", "published_at")
    by_month = Article.objects.visible().annotate(month=TruncMonth("published_at", tzinfo=UTC))
    if connection.vendor != "postgresql":
        rows = by_month.values("month").annotate(last=Max(last_change)).order_by("month")
        return [(row["month"].date(), row["last"]) for row in rows]
    latest_change = by_month.order_by(last_change.desc()).values_list(last_change)
    # One probe of the month index per month of the archive: months without articles give NULL.
    probe = latest_change.filter(month=RawSQL("months.month", []))[:1]
    sql, params = probe.query.sql_with_params()
    start = first[0].astimezone(UTC).replace(tzinfo=None)
    end = timezone.now().astimezone(UTC).replace(tzinfo=None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT months.month, ({sql}) FROM generate_series("  # noqa: S608 (ORM-built SQL)
            "date_trunc('month', %s::timestamp), %s::timestamp, interval '1 month'"
            ") AS months(month)",
            [*params, start, end],
        )
        return [(month.date(), last) for month, last in cursor.fetchall() if last is not None]


def month_urls(year: int, month: int):
    """(section slug, slug, published_at, modified_at) of a month's visible articles."""
    start, end = month_range(year, month)
    return (
        Article.objects.visible()
        .filter(published_at__gte=start, published_at__lt=end)
        .order_by("published_at", "pk")
        .values_list("section__slug", "slug", "published_at", "modified_at")
    )
