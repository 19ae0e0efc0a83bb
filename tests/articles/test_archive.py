"""The generated archive (`load_archive`) and listings that read a bounded number of rows."""

import io
import json
from datetime import UTC

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.archive import load_archive
from articles.models import Article, Author, Revision, Section
from articles.sitemaps import month_range
from feedback.models import Vote

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "1.5", "", "10000001", "1e6"])
def test_load_archive_refuses_a_bad_number_of_articles_clearly(bad):
    message = "--articles must be a whole number from 1 to 10,000,000"
    with pytest.raises(CommandError, match=message):
        call_command("load_archive", "--articles", bad, stdout=io.StringIO())
    assert not Article.objects.exists()


def test_load_archive_spreads_articles_over_ten_years_and_every_section():
    out = io.StringIO()
    call_command(
        "load_archive", "--articles", "400", "--seed", "3", "--jobs", "1", stdout=out, stderr=out
    )
    assert "Loaded 400 articles" in out.getvalue()
    articles = Article.objects.all()
    assert articles.count() == 400
    assert set(articles.values_list("section", flat=True)) == set(
        Section.objects.values_list("pk", flat=True)
    )
    visible = Article.objects.visible()
    oldest = visible.order_by("published_at").first().published_at
    assert (timezone.now() - oldest).days > 365 * 9
    assert 360 <= visible.count() < 400  # some drafts, unpublished and scheduled ones
    assert all(article.authors.exists() for article in articles[:50])


def test_load_archive_gives_updates_and_corrections_their_revisions_and_some_votes():
    load_archive(articles=600, seed=5)
    corrected = Article.objects.exclude(corrections=[]).first()
    assert corrected is not None and corrected.public_modified_at is not None
    kinds = list(corrected.revisions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["", Revision.Kind.CORRECTION]
    assert Article.objects.filter(revisions__kind=Revision.Kind.UPDATE).exists()
    assert Vote.objects.exists()


def test_the_same_seed_gives_the_same_archive():
    def headlines():
        return list(Article.objects.order_by("pk").values_list("headline", "lede", "body"))

    load_archive(articles=30, seed=11)
    first = headlines()
    Article.objects.all().delete()
    load_archive(articles=30, seed=11)
    assert headlines() == first
    assert len({body for _, _, body in first}) == 30  # and the bodies differ


# --- Bounded reads (PostgreSQL: the plans are its own) -------------------------------------

ARCHIVE_SIZE = 3000
# Rows a listing may read from articles_article: a page of teasers and some slack.
BOUND = 120


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("reads the query plans of PostgreSQL (set DATABASE_URL)")
    with django_db_blocker.unblock():
        load_archive(articles=ARCHIVE_SIZE, seed=1)
        yield
        Vote.objects.all().delete()
        Article.objects.all().delete()
        Author.objects.all().delete()
        Section.objects.all().delete()


def article_rows_read(plan: dict) -> int:
    """Rows the plan read from articles_article (by scans of it, with their filters)."""
    read = 0
    if plan.get("Relation Name") == "articles_article":
        per_loop = (
            plan["Actual Rows"]
            + plan.get("Rows Removed by Filter", 0)
            + plan.get("Rows Removed by Index Recheck", 0)
        )
        read += per_loop * plan["Actual Loops"]
    for child in plan.get("Plans", []):
        read += article_rows_read(child)
    return read


def rows_read_by(url: str) -> list[tuple[str, int]]:
    client = Client()
    client.get(url)  # the navigation is kept in the process after this
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    result = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            result.append((query["sql"], article_rows_read(plan[0]["Plan"])))
    return result


def deep_in(section: Section) -> int:
    """An article 200 places down its section's listing."""
    return (
        Article.objects.visible().filter(section=section).for_listing().values_list("pk", flat=True)
    )[200]


@pytest.mark.usefixtures("archive")
class TestListingsReadBoundedRows:
    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/buitenland/",
            "/feeds/rss/",
            "/feeds/atom/",
            "/feeds/buitenland/rss/",
            "/sitemap.xml",
            "/sitemap-news.xml",
            "/sitemap-sections.xml",
        ],
    )
    def test_it_reads_a_page_of_rows_not_the_archive(self, url):
        for sql, read in rows_read_by(url):
            assert read <= BOUND, f"{url} read {read} of {ARCHIVE_SIZE} articles: {sql[:300]}"

    def test_a_deep_section_page_reads_a_page_of_rows(self):
        section = Section.objects.get(slug="buitenland")
        for url in (f"/buitenland/?voor={deep_in(section)}", f"/buitenland/?na={deep_in(section)}"):
            for sql, read in rows_read_by(url):
                assert read <= BOUND, f"{url} read {read}: {sql[:300]}"

    def test_an_author_page_reads_that_authors_bylines_not_the_archive(self):
        author = Author.objects.annotate(n=models.Count("articles")).order_by("-n").first()
        theirs = Article.objects.visible().filter(authors=author).for_listing()
        deep = theirs.values_list("pk", flat=True)[author.n // 2]
        for url in (author.get_absolute_url(), f"{author.get_absolute_url()}?voor={deep}"):
            for sql, read in rows_read_by(url):
                # The author's share of the archive (about 1/100), never all of it.
                assert read <= max(BOUND, author.n), f"{url} read {read}: {sql[:300]}"

    def test_a_month_archive_reads_at_most_a_page_of_that_month(self):
        for sql, read in rows_read_by("/buitenland/archief/2024/03/"):
            assert read <= BOUND, sql[:300]

    def test_a_month_sitemap_reads_only_that_month(self):
        month = Article.objects.visible().order_by("-published_at")[500].published_at
        start, end = month_range(month.astimezone(UTC).year, month.astimezone(UTC).month)
        in_month = Article.objects.filter(published_at__gte=start, published_at__lt=end).count()
        [(sql, read)] = rows_read_by(f"/sitemap-articles-{start:%Y-%m}.xml")
        assert 0 < read <= in_month < ARCHIVE_SIZE / 50, sql[:300]


def test_the_partial_indexes_cover_exactly_the_reader_visible_statuses():
    conditions = [index.condition for index in Article._meta.indexes if index.condition]
    assert len(conditions) == 2
    for condition in conditions:
        assert condition.children == [("status__in", Article.Status.reader_visible())]
