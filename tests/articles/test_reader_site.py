"""The reader site around the articles: author pages and feeds, footer, fixed pages, 404."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.listings import SECTION_PAGE_SIZE
from articles.navigation import forget_local_copy
from edge import tags
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return AuthorFactory(name="Fatima El Amrani", slug="fatima-el-amrani", bio="Verslaggever.")


def test_a_byline_links_to_the_author_page_which_lists_their_articles(client, author):
    other = AuthorFactory(name="Joost Verhagen")
    theirs = ArticleFactory(authors=[author], headline="Zwolle breidt stalling uit")
    ArticleFactory(authors=[other], headline="Huizenprijzen stijgen")
    ArticleFactory(authors=[author], status="draft", published_at=None, headline="Nog geheim")

    article_html = client.get(theirs.get_absolute_url()).content.decode()
    assert '<a class="author" href="/auteur/fatima-el-amrani/">Fatima El Amrani</a>' in article_html

    response = client.get("/auteur/fatima-el-amrani/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="section-title">Fatima El Amrani</h1>' in html and "Verslaggever." in html
    assert "Zwolle breidt stalling uit" in html
    assert "Huizenprijzen stijgen" not in html and "Nog geheim" not in html
    assert tags.author(author.pk) in response["xkey"].split()


def test_an_author_page_pages_by_article_not_by_number(client, author):
    now = timezone.now()
    articles = [
        ArticleFactory(authors=[author], published_at=now - timedelta(hours=n))
        for n in range(1, SECTION_PAGE_SIZE + 3)
    ]
    first = client.get("/auteur/fatima-el-amrani/").content.decode()
    last_shown = articles[SECTION_PAGE_SIZE - 1]
    assert f'href="?voor={last_shown.pk}"' in first
    assert articles[SECTION_PAGE_SIZE].headline not in first

    second = client.get(f"/auteur/fatima-el-amrani/?voor={last_shown.pk}").content.decode()
    assert articles[SECTION_PAGE_SIZE].headline in second
    assert articles[-1].headline in second
    assert f'href="?na={articles[SECTION_PAGE_SIZE].pk}"' in second


@pytest.mark.parametrize("cursor", ["abc", "-1", "99999999999999999999", "１２"])
def test_a_bad_cursor_on_an_author_page_is_a_404(client, author, cursor):
    assert client.get(f"/auteur/fatima-el-amrani/?voor={cursor}").status_code == 404


def test_an_unknown_author_is_a_404(client):
    assert client.get("/auteur/niemand/").status_code == 404


def test_an_author_page_answers_only_get_and_head(client, author):
    assert client.post("/auteur/fatima-el-amrani/").status_code == 405


def test_the_author_feed_holds_only_their_visible_articles(client, author):
    ArticleFactory(authors=[author], headline="Wachtlijsten voor zwemles groeien")
    ArticleFactory(headline="Iets van een ander")
    response = client.get("/feeds/auteur/fatima-el-amrani/rss/")
    feed = feedparser.parse(response.content)
    assert feed.feed.title == "Kopij: Fatima El Amrani"
    assert [entry.title for entry in feed.entries] == ["Wachtlijsten voor zwemles groeien"]
    page = client.get("/auteur/fatima-el-amrani/").content.decode()
    assert 'href="/feeds/auteur/fatima-el-amrani/rss/"' in page


def test_dropping_an_author_from_a_byline_purges_their_page_too(author, monkeypatch):
    other = AuthorFactory()
    article = ArticleFactory(authors=[author, other])
    purged = []
    monkeypatch.setattr("edge.purging.content_changed", purged.append)
    from articles import services
    from articles.policy import SYSTEM

    article.headline = "Nieuwe kop"
    services.article_save(article=article, by=SYSTEM, kind="typo", authors=[other])
    [changed] = purged
    assert {tags.author(author.pk), tags.author(other.pk)} <= changed


def test_the_footer_has_colofon_contact_and_the_links_readers_look_for(client, settings):
    settings.REDACTIE_EMAIL = "redactie@krant.test"
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="mailto:redactie@krant.test">redactie@krant.test</a>' in footer
    for url in ["/colofon/", "/privacy/", "/nieuwsbrief/", "/archief/", "/feeds/rss/"]:
        assert f'href="{url}"' in footer
        assert client.get(url).status_code == 200


def test_the_privacy_statement_says_what_is_kept_and_the_sign_up_links_to_it(client):
    html = client.get("/privacy/").content.decode()
    assert '<h1 class="text-page__title">Privacyverklaring</h1>' in html
    assert "Autoriteit Persoonsgegevens" in html
    article = ArticleFactory()
    for page in [article.get_absolute_url(), "/nieuwsbrief/"]:
        assert '<a href="/privacy/">privacyverklaring</a>' in client.get(page).content.decode()


def test_the_archive_index_links_each_section_to_this_month(client):
    SectionFactory(name="Sport", slug="sport")
    forget_local_copy()
    today = timezone.localdate()
    html = client.get("/archief/").content.decode()
    assert f'href="/sport/archief/{today.year}/{today.month:02d}/"' in html


def test_the_404_page_offers_a_search_field_and_the_latest_articles(client):
    ArticleFactory(headline="Nieuwe brug over de IJssel")
    ArticleFactory(headline="Nog niet uit", status="draft", published_at=None)
    response = client.get("/dit/bestaat/echt/niet/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'action="/zoeken/"' in html and 'name="q"' in html
    assert "Nieuwe brug over de IJssel" in html and "Nog niet uit" not in html


def test_the_404_page_without_a_database_still_answers_404(client, monkeypatch):
    from django.db import DatabaseError

    def down(*args, **kwargs):
        raise DatabaseError("the database is gone")

    monkeypatch.setattr("newsroom.errors.Article.objects.visible", down)
    assert client.get("/dit/bestaat/echt/niet/").status_code == 404


def test_the_favicon_answers_and_every_page_links_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/").content.decode()


def test_a_section_under_more_is_marked_as_the_current_page(client):
    SectionFactory(name="Cultuur", slug="cultuur", in_nav=False)
    forget_local_copy()
    html = client.get("/cultuur/").content.decode()
    assert '<a href="/cultuur/" aria-current="page">Cultuur</a>' in html


def test_without_javascript_the_typo_block_offers_the_form_and_the_address(client, settings):
    settings.REDACTIE_EMAIL = "redactie@krant.test"
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    without_js = html[html.index("data-typo-without-js") : html.index("data-typo-with-js")]
    assert "Meld taalfout" not in without_js
    assert f'href="/taalfout/{article.pk}/?revision=1"' in without_js
    assert 'href="mailto:redactie@krant.test"' in without_js
    assert "data-typo-with-js hidden" in html
