"""Every absolute address the site hands out is on SITE_URL, whichever host was asked.

The requests here come in on http://localhost while SITE_URL is https://www.kopij.nl,
as behind a proxy or on a second host name.
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC

import feedparser
import pytest
from django.core import mail
from django.urls import reverse

from articles.roles import EINDREDACTEUR
from newsletters.mail import render_edition
from newsroom.links import absolute_url
from tests.factories import (
    ArticleFactory,
    EditionFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SITE_URL = "https://www.kopij.nl"
OTHER_HOST = {"HTTP_HOST": "localhost"}
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def article():
    return ArticleFactory(
        section=SectionFactory(name="Buitenland", slug="buitenland"),
        slug="akkoord",
        body="<p>De minister zei dat de trein vaker gaat rijden.</p>",
        lead_image=ImageFactory(),
    )


def urls_in(text: str) -> list[str]:
    found = URL.findall(text)
    assert found, "no absolute URL in the text"
    return found


def get(client, url: str):
    response = client.get(url, **OTHER_HOST)
    assert response.status_code == 200, url
    return response


class TestTheHelper:
    def test_it_puts_a_path_on_site_url(self):
        assert absolute_url("/buitenland/akkoord/") == "https://www.kopij.nl/buitenland/akkoord/"

    def test_it_keeps_an_absolute_url(self):
        assert absolute_url("https://cdn.example.nl/a.jpg") == "https://cdn.example.nl/a.jpg"

    def test_it_gives_a_protocol_relative_url_the_site_scheme(self):
        assert absolute_url("//cdn.example.nl/a.jpg") == "https://cdn.example.nl/a.jpg"

    @pytest.mark.parametrize("garbage", ["buitenland/", "", "../geheim"])
    def test_it_refuses_what_is_not_a_path(self, garbage):
        with pytest.raises(ValueError, match="Not a path"):
            absolute_url(garbage)


class TestFeeds:
    @pytest.mark.parametrize(
        "url", ["/feeds/rss/", "/feeds/atom/", "/feeds/buitenland/rss/", "/feeds/buitenland/atom/"]
    )
    def test_every_link_and_enclosure_is_on_site_url(self, client, article, url):
        ArticleFactory(section=article.section)  # one without a photo
        feed = feedparser.parse(get(client, url).content)

        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == 2
        assert feed.feed.link.startswith(f"{SITE_URL}/")
        assert {link.href for link in feed.feed.links if link.rel == "self"} == {f"{SITE_URL}{url}"}
        for entry in feed.entries:
            assert entry.link.startswith(f"{SITE_URL}/"), entry.link
            assert entry.id.startswith(f"{SITE_URL}/"), entry.id
        [enclosure] = [e for entry in feed.entries for e in entry.enclosures]
        assert enclosure.href.startswith(f"{SITE_URL}/uploads/"), enclosure.href
        assert "localhost" not in get(client, url).content.decode()


def month_sitemap(article) -> str:
    """The path of the sitemap of the (UTC) month `article` was published in."""
    return f"/sitemap-articles-{article.published_at.astimezone(UTC):%Y-%m}.xml"


class TestSitemapsAndRobots:
    def test_the_index_lists_its_sitemaps_on_site_url(self, client, article):
        root = ET.fromstring(get(client, "/sitemap.xml").content)
        locations = {loc.text for loc in root.findall("sm:sitemap/sm:loc", SITEMAP_NS)}
        assert locations == {
            f"{SITE_URL}/sitemap-sections.xml",
            f"{SITE_URL}/sitemap-authors.xml",
            f"{SITE_URL}{month_sitemap(article)}",
        }

    @pytest.mark.parametrize("url", ["month", "/sitemap-sections.xml", "/sitemap-news.xml"])
    def test_every_location_of_a_sitemap_is_on_site_url(self, client, article, url):
        url = month_sitemap(article) if url == "month" else url
        root = ET.fromstring(get(client, url).content)
        locations = [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]
        assert locations
        assert all(location.startswith(f"{SITE_URL}/") for location in locations), locations

    def test_robots_txt_names_the_sitemaps_on_site_url(self, client):
        lines = get(client, "/robots.txt").content.decode().splitlines()
        assert [line for line in lines if line.startswith("Sitemap:")] == [
            f"Sitemap: {SITE_URL}/sitemap.xml",
            f"Sitemap: {SITE_URL}/sitemap-news.xml",
        ]


class TestArticlePage:
    def test_canonical_open_graph_and_json_ld_are_on_site_url(self, client, article):
        html = get(client, article.get_absolute_url()).content.decode()
        page = f"{SITE_URL}/buitenland/akkoord/"

        assert f'<link rel="canonical" href="{page}">' in html
        assert f'<meta property="og:url" content="{page}">' in html
        [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        data = json.loads(script)
        assert data["mainEntityOfPage"] == page
        assert data["publisher"]["url"] == f"{SITE_URL}/"
        assert data["image"][0].startswith(f"{SITE_URL}/uploads/")
        assert re.search(rf'<meta property="og:image" content="{SITE_URL}/uploads/', html)

    def test_the_change_log_is_canonical_on_site_url(self, client, article):
        html = get(client, reverse("articles:changes", args=["buitenland", "akkoord"])).content
        canonical = f'<link rel="canonical" href="{SITE_URL}/buitenland/akkoord/wijzigingen/">'
        assert canonical in html.decode()


class TestMail:
    def test_every_link_of_an_edition_is_on_site_url(self, article):
        rendered = render_edition(EditionFactory(articles=[article]))
        for part in (rendered.text, rendered.html):
            links = urls_in(part)
            assert f"{SITE_URL}/buitenland/akkoord/" in links
            assert all(link.startswith(f"{SITE_URL}/") for link in links), links

    def test_the_confirmation_link_is_on_site_url(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/nieuwsbrief/aanmelden/",
                {"email": "lezer@voorbeeld.nl"},
                headers=SAME_ORIGIN,
                **OTHER_HOST,
            )
        [message] = mail.outbox
        [link] = urls_in(message.body)
        assert link.startswith(f"{SITE_URL}/nieuwsbrief/bevestigen/")

    def test_the_typo_report_mail_links_to_the_article_and_the_report_on_site_url(
        self, client, article, django_capture_on_commit_callbacks
    ):
        data = {"quote": "vaker gaat rijden", "revision": article.revision_number}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("feedback:typo_report", args=[article.pk]),
                data,
                headers=SAME_ORIGIN,
                **OTHER_HOST,
            )
        assert response.status_code == 303
        [message] = mail.outbox
        links = urls_in(message.body)
        assert f"{SITE_URL}/buitenland/akkoord/" in links
        assert any(link.startswith(f"{SITE_URL}/admin/feedback/typoreport/") for link in links)
        assert all(link.startswith(f"{SITE_URL}/") for link in links), links


def test_the_shared_preview_link_is_on_site_url(client, roles):
    client.force_login(UserFactory(username="eva", role=EINDREDACTEUR))
    draft = ArticleFactory(status="draft", published_at=None)
    url = reverse("admin:articles_article_revisions", args=[draft.pk])
    html = get(client, url).content.decode()
    assert re.search(rf'value="{SITE_URL}/preview/[^"]+/"', html)


def test_no_template_glues_site_url_to_a_path():
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for path in [*root.glob("templates/**/*.*"), *root.glob("*/**/*.py")]
        if not {".venv", "tests"} & set(path.parts)
        and path.name != "links.py"
        and re.search(
            r"\{\{ ?SITE_URL|SITE_URL ?\+|SITE_URL\}\{|build_absolute_uri", path.read_text()
        )
    ]
    assert offenders == []
