"""Reader pages are marked public and cacheable one way: `newsroom.caching.public_page`."""

import re
from datetime import UTC
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from articles import services
from articles.policy import SYSTEM
from tests.factories import ArticleFactory, EditionFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def article():
    return ArticleFactory(slug="akkoord", section__slug="buitenland", headline="Akkoord")


@pytest.fixture
def edition(article):
    from django.utils import timezone

    edition = EditionFactory(articles=[article])
    edition.send_started_at = timezone.now()
    edition.status = "sent"
    edition.save()
    return edition


def reader_urls(article, edition) -> list[str]:
    return [
        "/",
        "/buitenland/",
        article.get_absolute_url(),
        reverse("articles:changes", args=["buitenland", "akkoord"]),
        "/zoeken/?q=akkoord",
        "/feeds/rss/",
        "/feeds/buitenland/atom/",
        "/sitemap.xml",
        f"/sitemap-articles-{article.published_at.astimezone(UTC):%Y-%m}.xml",
        "/buitenland/archief/2025/05/",
        "/sitemap-news.xml",
        "/robots.txt",
        "/nieuwsbrief/",
        "/nieuwsbrief/aangemeld/",
        "/nieuwsbrief/bevestigd/",
        "/nieuwsbrief/archief/",
        edition.get_absolute_url(),
    ]


def test_every_reader_page_may_be_kept_by_anyone_for_the_configured_time(
    client, article, edition, settings
):
    settings.PUBLIC_CACHE_SECONDS = 123
    for url in reader_urls(article, edition):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        # The rest is the edge's (tests/edge/test_headers.py): shared caches keep it longer.
        browsers = {d for d in directives if not d.startswith(("s-maxage", "stale-"))}
        assert browsers == {"public", "max-age=123"}, url


def test_a_not_modified_answer_is_public_too(client, article):
    etag = client.get(article.get_absolute_url())["ETag"]
    response = client.get(article.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert "public" in response["Cache-Control"]


def test_a_missing_page_is_not_kept(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_refused_write_to_a_reader_page_is_not_kept(client, article, method):
    response = getattr(client, method)(article.get_absolute_url())
    assert response.status_code == 405
    assert "public" not in response.get("Cache-Control", "")


def test_personal_pages_are_never_public(client, article):
    token = services.preview_token(article=article, by=SYSTEM)
    preview = client.get(reverse("articles:preview", args=[token]))
    unsubscribe = client.get(reverse("newsletters:unsubscribe", args=["ongeldig"]))
    signup_error = client.post("/nieuwsbrief/aanmelden/", {"email": "x"}, headers=SAME_ORIGIN)
    for response in (preview, unsubscribe, signup_error):
        assert "public" not in response.get("Cache-Control", ""), response.request["PATH_INFO"]


def test_no_view_marks_itself_public_another_way():
    marker = re.compile(r"public=True|\bcache_control\(|\bcache_page\(")
    offenders = [
        str(path.relative_to(ROOT))
        for app in [ROOT / "newsroom", *(apps.parent for apps in ROOT.glob("*/apps.py"))]
        for path in app.glob("**/*.py")
        if path.name != "caching.py" and marker.search(path.read_text())
    ]
    assert offenders == []
