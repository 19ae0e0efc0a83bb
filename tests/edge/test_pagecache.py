"""The page cache: repeated views cost no query, and every reader-visible change shows at once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from edge import tags
from edge.pagecache import bump_content_version
from edge.purging import content_changed
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.fixture
def article():
    return ArticleFactory(section=SectionFactory(slug="binnenland", name="Binnenland"))


@pytest.mark.parametrize(
    "url", ["/", "/binnenland/", "ARTICLE", "/feeds/rss/", "/sitemap.xml", "/zoeken/?q=kabinet"]
)
def test_a_repeated_view_is_served_from_the_cache_without_a_query(
    client, article, django_assert_num_queries, url
):
    url = article.get_absolute_url() if url == "ARTICLE" else url
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert again["xkey"] == first["xkey"]
    assert again["Cache-Control"] == first["Cache-Control"]


def test_a_hit_costs_one_cache_round_trip(client, article, monkeypatch):
    from django.core.cache import caches

    client.get(article.get_absolute_url())
    backend, reads = caches["default"], []

    def get_many(keys, **kwargs):  # one round trip (MGET on Redis), whatever LocMem does
        reads.append(("get_many", *keys))
        return {k: v for k in keys if (v := type(backend).get(backend, k)) is not None}

    monkeypatch.setattr(backend, "get_many", get_many)
    monkeypatch.setattr(backend, "get", lambda key, *a, **k: reads.append(("get", key)))
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    # The content version and the page together, nothing else.
    assert [read[0] for read in reads] == ["get_many"]


def test_a_conditional_request_is_answered_from_the_cache_without_a_query(
    client, article, django_assert_num_queries
):
    etag = client.get(article.get_absolute_url())["ETag"]
    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response["xkey"] == f"article-{article.pk} nav"


def test_pages_without_validators_of_their_own_get_an_etag_to_revalidate(
    client, article, django_assert_num_queries
):
    etag = client.get("/")["ETag"]
    with django_assert_num_queries(0):
        assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_tracking_parameters_and_unknown_ones_share_the_page_without_them(
    client, article, django_assert_num_queries
):
    client.get("/binnenland/")
    with django_assert_num_queries(0):
        tracked = client.get("/binnenland/?utm_source=nieuwsbrief&fbclid=abc&x=%FF")
    assert tracked["X-Page-Cache"] == "hit"


def test_query_parameters_pages_read_make_pages_of_their_own(client, article):
    client.get("/zoeken/?q=kabinet")
    other = client.get("/zoeken/?q=trein")
    assert other["X-Page-Cache"] == "miss"
    assert b"trein" in other.content


def test_each_host_has_pages_of_its_own(client, article):
    client.get("/", HTTP_HOST="localhost")
    assert client.get("/", HTTP_HOST="127.0.0.1")["X-Page-Cache"] == "miss"


def test_a_change_replaces_every_stored_page(client, article, django_capture_on_commit_callbacks):
    client.get("/")
    client.get(article.get_absolute_url())
    article.headline = "Kabinet valt over stikstof"
    article.save()
    with django_capture_on_commit_callbacks(execute=True):
        content_changed({tags.article(article.pk)})
    home = client.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert "Kabinet valt over stikstof" in home.content.decode()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_a_change_rolled_back_replaces_nothing(client, article, django_capture_on_commit_callbacks):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=False):
        content_changed({tags.HOME})
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_a_section_rename_reaches_every_cached_page_with_the_navigation(
    client, article, django_capture_on_commit_callbacks
):
    urls = ["/", "/binnenland/", article.get_absolute_url()]
    for url in urls:
        client.get(url)
    article.section.name = "Politiek"
    with django_capture_on_commit_callbacks(execute=True):
        article.section.save()
    for url in urls:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert ">Politiek</a>" in response.content.decode()


def test_a_scheduled_article_appears_on_time_though_no_event_marks_the_moment(
    client, article, settings
):
    # The in-process cache, whose expiry follows the moved clock (Redis keeps real time).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    due = timezone.now() + timedelta(minutes=10)
    ArticleFactory(
        section=article.section,
        headline="Nieuwe brug geopend",
        status="scheduled",
        published_at=due,
    )
    assert "Nieuwe brug geopend" not in client.get("/").content.decode()
    with time_machine.travel(due + timedelta(seconds=2), tick=False):
        home = client.get("/")
    assert "Nieuwe brug geopend" in home.content.decode()


def test_responses_that_set_a_cookie_are_never_stored(client, article):
    vote = f"/feedback/{article.pk}/"
    client.post(vote, {"useful": "yes"}, HTTP_SEC_FETCH_SITE="same-origin")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_head_request_is_not_answered_from_the_page_cache(client, article):
    client.get("/")
    assert "X-Page-Cache" not in client.head("/")


def test_pages_keep_working_when_the_cache_is_down(client, article, dead_cache):
    assert client.get("/").status_code == 200
    response = client.get(article.get_absolute_url())
    assert article.headline in response.content.decode()


def test_the_page_cache_can_be_turned_off(client, article, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/binnenland/")
    assert "X-Page-Cache" not in client.get("/binnenland/")


@pytest.fixture
def database_down(monkeypatch):
    """Call it to make section pages fail as with PostgreSQL stopped (newsroom.unavailable)."""
    import psycopg
    from django.db import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("down") from psycopg.OperationalError("Connection refused")

    return lambda: monkeypatch.setattr("articles.views.listings.section_page", unreachable)


def test_while_the_database_is_down_an_older_copy_beats_the_503(client, article, database_down):
    before = client.get("/binnenland/")
    bump_content_version()  # a change since: the stored copy is no longer current
    database_down()
    response = client.get("/binnenland/")
    assert (response.status_code, response["X-Page-Cache"]) == (200, "stale")
    assert response.content == before.content
    # No cache may keep it: once the database is back the current page is rendered.
    assert "no-store" in response["Cache-Control"]
    assert "xkey" not in response and "ETag" not in response


def test_without_a_stored_copy_the_reader_gets_the_503(client, article, database_down):
    database_down()
    response = client.get("/binnenland/")
    assert (response.status_code, response["Retry-After"]) == (503, "30")
