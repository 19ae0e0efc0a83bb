"""Every reader response carries its cache tags and a long edge lifetime beside the browser's."""

import pytest

from tests.factories import ArticleFactory, AuthorFactory, EditionFactory, SectionFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    parts = [p.strip() for p in response["Cache-Control"].split(",")]
    return dict(p.split("=", 1) if "=" in p else (p, "") for p in parts)


@pytest.fixture
def article():
    author = AuthorFactory()
    return ArticleFactory(section=SectionFactory(slug="binnenland"), authors=[author])


def keys(response) -> set[str]:
    assert response["xkey"] == response["Surrogate-Key"]
    return set(response["xkey"].split())


def test_the_article_page_is_tagged_with_the_article_its_authors_and_the_navigation(
    client, article
):
    response = client.get(article.get_absolute_url())
    author = article.authors.get()
    assert keys(response) == {f"article-{article.pk}", f"author-{author.pk}", "nav"}


def test_a_304_carries_the_same_tags_as_the_page(client, article):
    page = client.get(article.get_absolute_url())
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 304
    assert keys(again) == keys(page)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", {"home", "nav"}),
        ("/zoeken/?q=kabinet", {"search", "nav"}),
        ("/feeds/rss/", {"feeds"}),
        ("/feeds/binnenland/atom/", {"feeds"}),
        ("/sitemap.xml", {"sitemaps"}),
        ("/sitemap-news.xml", {"sitemaps"}),
        ("/nieuwsbrief/archief/", {"editions", "nav"}),
    ],
)
def test_listing_pages_are_tagged_with_what_they_list(client, article, url, expected):
    assert keys(client.get(url)) == expected


def test_a_section_page_is_tagged_with_its_section(client, article):
    response = client.get("/binnenland/")
    assert keys(response) == {f"section-{article.section_id}", "nav"}


def test_the_change_log_is_tagged_with_its_article(client, article):
    response = client.get(article.get_absolute_url() + "wijzigingen/")
    assert keys(response) == {f"article-{article.pk}", "nav"}


def test_a_public_edition_is_tagged_with_itself_and_the_archive(client):
    edition = EditionFactory(status="sent")
    response = client.get(f"/nieuwsbrief/{edition.pk}/")
    assert keys(response) == {f"edition-{edition.pk}", "editions", "nav"}


def test_edges_keep_tagged_pages_long_and_browsers_briefly(client, article, settings):
    settings.EDGE_CACHE_SECONDS, settings.EDGE_STALE_SECONDS = 86400, 43200
    settings.PUBLIC_CACHE_SECONDS = 60
    response = client.get(article.get_absolute_url())
    assert directives(response) == {
        "public": "",
        "max-age": "60",
        "s-maxage": "86400",
        "stale-while-revalidate": "60",
        "stale-if-error": "43200",
    }
    assert response["Surrogate-Control"] == (
        "max-age=86400, stale-while-revalidate=60, stale-if-error=43200"
    )


def test_an_untagged_public_response_is_kept_no_longer_at_the_edge_than_in_browsers(client):
    # robots.txt names nothing a purge could reach.
    response = client.get("/robots.txt")
    assert "xkey" not in response
    assert directives(response)["s-maxage"] == directives(response)["max-age"]


@pytest.mark.parametrize("url", ["/admin/login/", "/nieuwsbrief/bevestigen/onzin/"])
def test_pages_that_are_not_public_get_no_edge_headers(client, url):
    response = client.get(url)
    assert "xkey" not in response
    assert "Surrogate-Control" not in response
    assert "s-maxage" not in response.get("Cache-Control", "")


def test_a_preview_is_never_given_to_the_edge(client, article, admin_client):
    from articles.policy import SYSTEM
    from articles.services import preview_token

    response = client.get(f"/preview/{preview_token(by=SYSTEM, article=article)}/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "xkey" not in response
