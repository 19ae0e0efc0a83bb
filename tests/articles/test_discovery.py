"""How readers and machines find articles: feeds, sitemaps, robots.txt, structured data."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from articles.imaging import image_make_renditions
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def published():
    section = SectionFactory(name="Buitenland", slug="buitenland")
    return ArticleFactory(
        section=section,
        headline="Ministers bereiken akkoord over treinen",
        slug="ministers-akkoord-treinen",
        lede="De ministers zijn het eens. Er komen meer treinen.",
        published_at=datetime(2025, 5, 9, 10, 43, tzinfo=AMS),
        modified_at=datetime(2025, 5, 9, 11, 8, tzinfo=AMS),
        authors=[AuthorFactory(name="Anne de Vries"), AuthorFactory(name="Joost Bakker")],
        lead_image=ImageFactory(file_size=4321),
    )


@pytest.fixture
def hidden(published):
    """A draft, a scheduled article and an unpublished one: never to be found by machines."""
    section = published.section
    return [
        ArticleFactory(section=section, headline="Concept", slug="concept", status="draft"),
        ArticleFactory(
            section=section,
            headline="Ingepland",
            slug="ingepland",
            status=Article.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(hours=2),
        ),
        ArticleFactory(
            section=section, headline="Teruggetrokken", slug="weg", status="unpublished"
        ),
    ]


class TestFeeds:
    @pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/"])
    def test_the_site_feed_lists_published_articles_with_their_details(
        self, client, published, hidden, url
    ):
        feed = feedparser.parse(client.get(url).content)

        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.feed.language == "nl"
        assert [entry.title for entry in feed.entries] == [published.headline]
        entry = feed.entries[0]
        assert entry.link == f"http://testserver{published.get_absolute_url()}"
        assert entry.summary == published.lede
        assert entry.author == "Anne de Vries, Joost Bakker"
        assert [tag.term for tag in entry.tags] == ["Buitenland"]
        assert entry.published_parsed[:5] == (2025, 5, 9, 8, 43)
        [enclosure] = entry.enclosures
        assert enclosure.href.startswith("http://testserver/uploads/images/")
        assert (enclosure.type, enclosure.length) == ("image/jpeg", "4321")

    def test_the_atom_feed_carries_the_public_modified_time(self, client, published):
        entry = feedparser.parse(client.get("/feeds/atom/").content).entries[0]
        assert entry.updated_parsed[:5] == (2025, 5, 9, 9, 8)

    def test_rss_is_rss_2_and_atom_is_atom(self, client, published):
        assert feedparser.parse(client.get("/feeds/rss/").content).version == "rss20"
        assert feedparser.parse(client.get("/feeds/atom/").content).version == "atom10"

    @pytest.mark.parametrize("kind", ["rss", "atom"])
    def test_a_section_feed_holds_only_that_section(self, client, published, kind):
        ArticleFactory(section=SectionFactory(slug="sport"), headline="Ajax wint")
        feed = feedparser.parse(client.get(f"/feeds/buitenland/{kind}/").content)
        assert feed.feed.title == "Kopij: Buitenland"
        assert [entry.title for entry in feed.entries] == [published.headline]

    def test_an_unknown_section_feed_is_404(self, client):
        assert client.get("/feeds/bestaat-niet/rss/").status_code == 404

    def test_feed_texts_are_escaped(self, client):
        ArticleFactory(headline="<script>alert(1)</script> & meer", lede="a < b")
        body = client.get("/feeds/rss/").content.decode()
        assert "<script>" not in body
        entry = feedparser.parse(body).entries[0]
        assert entry.title == "<script>alert(1)</script> & meer"

    @pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/", "/sitemap-news.xml"])
    def test_a_control_character_pasted_into_an_article_keeps_the_xml_valid(self, client, url):
        # Word's line break (vertical tab) and other C0 controls are not allowed in XML 1.0.
        ArticleFactory(
            headline="Kabinet\x0bvalt",
            lede="Het kabinet\x08 is gevallen.",
            body="<p>Tekst\x1f.</p>",
        )
        response = client.get(url)
        assert response.status_code == 200
        ET.fromstring(response.content)  # well-formed XML
        assert "Kabinet valt" in response.content.decode()

    def test_pages_announce_the_feeds(self, client, published):
        site = (
            '<link rel="alternate" type="application/rss+xml" title="Kopij (RSS)"'
            ' href="/feeds/rss/">'
        )
        assert site in client.get("/").content.decode()
        article_page = client.get(published.get_absolute_url()).content.decode()
        assert 'type="application/atom+xml"' in article_page
        assert 'href="/feeds/buitenland/rss/"' in article_page
        assert 'href="/feeds/buitenland/atom/"' in client.get("/buitenland/").content.decode()


def sitemap_entries(client, url: str) -> dict[str, str | None]:
    """{location: lastmod} of the <url> entries of a sitemap."""
    root = ET.fromstring(client.get(url).content)
    return {
        entry.findtext("sm:loc", namespaces=SITEMAP_NS): entry.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for entry in root.findall("sm:url", SITEMAP_NS)
    }


def sitemap_index(client) -> dict[str, str | None]:
    """{location: lastmod} of the sitemaps listed in /sitemap.xml."""
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return {
        entry.findtext("sm:loc", namespaces=SITEMAP_NS): entry.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for entry in root.findall("sm:sitemap", SITEMAP_NS)
    }


class TestSitemaps:
    def test_the_index_lists_sections_authors_and_each_month_with_its_latest_change(
        self, client, published
    ):
        ArticleFactory(published_at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
        index = sitemap_index(client)
        assert list(index) == [
            "http://testserver/sitemap-sections.xml",
            "http://testserver/sitemap-authors.xml",
            "http://testserver/sitemap-articles-2025-03.xml",
            "http://testserver/sitemap-articles-2025-05.xml",
        ]
        # The newest public modified time of the month's articles.
        latest = datetime.fromisoformat(index["http://testserver/sitemap-articles-2025-05.xml"])
        assert latest == published.modified_at

    def test_a_month_sitemap_lists_its_published_articles_with_their_public_lastmod(
        self, client, published, hidden
    ):
        ArticleFactory(published_at=datetime(2025, 4, 30, 21, 0, tzinfo=UTC))  # April in UTC
        entries = sitemap_entries(client, "/sitemap-articles-2025-05.xml")
        article_url = f"http://testserver{published.get_absolute_url()}"
        assert entries == {article_url: "2025-05-09T11:08:00+02:00"}

    def test_the_sections_sitemap_lists_the_sections(self, client, published):
        assert "http://testserver/buitenland/" in sitemap_entries(client, "/sitemap-sections.xml")

    def test_an_unknown_sitemap_is_404(self, client, published):
        assert client.get("/sitemap-bestaat-niet.xml").status_code == 404
        assert client.get("/sitemap-articles-2025-13.xml").status_code == 404
        assert client.get("/sitemap-articles-1999-01.xml").status_code == 404  # no articles

    def test_the_sitemaps_use_site_url_whatever_the_host(self, client, published, settings):
        settings.SITE_URL = "https://www.kopij.nl"
        body = client.get("/sitemap-articles-2025-05.xml").content.decode()
        assert f"<loc>https://www.kopij.nl{published.get_absolute_url()}</loc>" in body
        index = client.get("/sitemap.xml").content.decode()
        assert "<loc>https://www.kopij.nl/sitemap-articles-2025-05.xml</loc>" in index

    def test_the_news_sitemap_has_the_articles_of_the_last_48_hours(self, client, published):
        fresh = ArticleFactory(
            headline="Vers nieuws", published_at=timezone.now() - timedelta(hours=47)
        )
        ArticleFactory(headline="Eergisteren", published_at=timezone.now() - timedelta(hours=49))
        root = ET.fromstring(client.get("/sitemap-news.xml").content)

        [url] = root.findall("sm:url", SITEMAP_NS)
        assert url.findtext("sm:loc", namespaces=SITEMAP_NS).endswith(fresh.get_absolute_url())
        news = url.find("news:news", SITEMAP_NS)
        assert news.findtext("news:title", namespaces=SITEMAP_NS) == "Vers nieuws"
        assert news.findtext("news:publication/news:name", namespaces=SITEMAP_NS) == "Kopij"
        assert news.findtext("news:publication/news:language", namespaces=SITEMAP_NS) == "nl"
        published_at = news.findtext("news:publication_date", namespaces=SITEMAP_NS)
        assert datetime.fromisoformat(published_at) == fresh.published_at

    def test_the_news_sitemap_holds_at_most_1000_articles(self, client, monkeypatch):
        monkeypatch.setattr("articles.sitemaps.NEWS_LIMIT", 3)
        for _ in range(5):
            ArticleFactory()
        root = ET.fromstring(client.get("/sitemap-news.xml").content)
        assert len(root.findall("sm:url", SITEMAP_NS)) == 3

    def test_the_news_sitemap_escapes_headlines(self, client):
        ArticleFactory(headline="Koers & <rente>")
        root = ET.fromstring(client.get("/sitemap-news.xml").content)
        assert root.find(".//news:title", SITEMAP_NS).text == "Koers & <rente>"

    def test_robots_txt_points_to_both_sitemaps(self, client):
        response = client.get("/robots.txt")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert "Sitemap: http://testserver/sitemap.xml" in lines
        assert "Sitemap: http://testserver/sitemap-news.xml" in lines
        assert "Disallow: /admin/" in lines


def json_ld(html: str) -> dict:
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(script)


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, key
    return match.group(1)


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/buitenland/rss/",
        "/sitemap.xml",
        "/sitemap-articles-2025-05.xml",
        "/sitemap-news.xml",
        "/robots.txt",
    ],
)
class TestForMachines:
    def test_writes_are_refused_with_405(self, client, published, url):
        assert client.post(url).status_code == 405

    def test_answers_may_be_cached_by_anyone(self, client, published, url):
        response = client.get(url)
        assert "public" in response["Cache-Control"]
        assert "max-age=60" in response["Cache-Control"]


class TestStructuredData:
    def test_the_article_page_carries_news_article_json_ld(self, client, published):
        image_make_renditions(image=published.lead_image)
        data = json_ld(client.get(published.get_absolute_url()).content.decode())

        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == published.headline
        assert data["datePublished"] == "2025-05-09T08:43:00+00:00"
        assert data["dateModified"] == "2025-05-09T09:08:00+00:00"
        assert [a["name"] for a in data["author"]] == ["Anne de Vries", "Joost Bakker"]
        assert data["publisher"] == {
            "@type": "Organization",
            "name": "Kopij",
            "url": "http://testserver/",
        }
        assert data["image"] == [
            f"http://testserver/uploads/renditions/{published.lead_image.pk}/800.jpg"
        ]
        assert (data["articleSection"], data["inLanguage"]) == ("Buitenland", "nl")
        assert data["mainEntityOfPage"] == f"http://testserver{published.get_absolute_url()}"

    def test_json_ld_cannot_be_broken_out_of(self, client):
        article = ArticleFactory(headline="</script><script>alert(1)</script>")
        html = client.get(article.get_absolute_url()).content.decode()
        assert "<script>alert(1)" not in html
        assert json_ld(html)["headline"] == "</script><script>alert(1)</script>"

    def test_open_graph_twitter_and_canonical_tags(self, client, published):
        html = client.get(published.get_absolute_url()).content.decode()
        url = f"http://testserver{published.get_absolute_url()}"
        assert f'<link rel="canonical" href="{url}">' in html
        assert meta(html, "og:type") == "article"
        assert meta(html, "og:url") == url
        assert meta(html, "og:title") == published.headline
        assert meta(html, "og:description") == published.lede
        assert meta(html, "og:image").startswith("http://testserver/uploads/images/")
        assert meta(html, "og:image:alt") == published.lead_image.alt
        assert meta(html, "twitter:card") == "summary_large_image"
        assert meta(html, "article:published_time") == "2025-05-09T10:43:00+02:00"

    def test_without_a_lead_image_the_card_is_a_summary_without_image(self, client):
        html = client.get(ArticleFactory().get_absolute_url()).content.decode()
        assert meta(html, "twitter:card") == "summary"
        assert "og:image" not in html
        assert "image" not in json_ld(html)

    def test_the_article_template_without_structured_data_has_no_social_tags(self, published):
        # As a preview of an unpublished article renders it: no JSON-LD, Open Graph or cards.
        html = render_to_string("articles/article_detail.html", {"article": published})
        assert published.headline in html
        assert "application/ld+json" not in html
        assert "og:" not in html
        assert "twitter:" not in html

    def test_drafts_have_no_page_and_so_no_structured_data(self, client, hidden):
        for article in hidden:
            assert client.get(article.get_absolute_url()).status_code == 404
