import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article, FrontPageSlot
from articles.navigation import forget_local_copy
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, save_change

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def words(n: int) -> str:
    return " ".join(["woord"] * n)


@pytest.fixture
def seed_article():
    """An article in the seed's shape: Buitenland, 9 mei 2025 10:43, edited 11:08, ~250 words."""
    return ArticleFactory(
        section=SectionFactory(name="Buitenland", slug="buitenland"),
        headline="Ministers bereiken akkoord over grensoverschrijdende treinen",
        slug="ministers-akkoord-treinen",
        lede=words(35),
        body="".join(f"<p>{words(31)}</p>" for _ in range(7)),
        published_at=datetime(2025, 5, 9, 10, 43, tzinfo=AMS),
        modified_at=datetime(2025, 5, 9, 11, 8, tzinfo=AMS),
        authors=[AuthorFactory(name="Anne de Vries"), AuthorFactory(name="Joost Bakker")],
    )


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def parse(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


class TestArticlePage:
    def test_it_shows_the_article_in_the_seed_pages_anatomy(self, client, seed_article):
        html = client.get(seed_article.get_absolute_url()).content.decode()
        text = " ".join(html.split())
        assert '<html lang="nl">' in html
        assert '<a href="/buitenland/">Buitenland</a>' in html
        headline = "Ministers bereiken akkoord over grensoverschrijdende treinen"
        assert f'<h1 class="article__headline">{headline}</h1>' in html
        visible = visible_text(html)
        assert "9 mei 2025 10:43 · Gewijzigd op 9 mei 2025 11:08" in visible
        assert "Leestijd 2 minuten" in visible
        assert "Door Anne de Vries en Joost Bakker" in visible
        order = [
            text.index(s)
            for s in (
                "Buitenland</a>",
                "<h1",
                "article__lede",
                "Gewijzigd op",
                "Leestijd",
                "article__body",
                "Door",
            )
        ]
        assert order == sorted(order)

    def test_times_carry_machine_readable_amsterdam_datetimes(self, client, seed_article):
        html = client.get(seed_article.get_absolute_url()).content.decode()
        datetimes = [attrs["datetime"] for tag, attrs in parse(html) if tag == "time"]
        assert datetimes == ["2025-05-09T10:43:00+02:00", "2025-05-09T11:08:00+02:00"]

    def test_without_a_later_edit_there_is_no_modified_line(self, client):
        article = ArticleFactory(modified_at=None)
        assert "Gewijzigd op" not in client.get(article.get_absolute_url()).content.decode()

    def test_reading_time_is_singular_for_one_minute(self, client):
        article = ArticleFactory(lede="Kort.", body="<p>Heel kort bericht.</p>")
        assert "Leestijd 1 minuut" in client.get(article.get_absolute_url()).content.decode()

    def test_reader_text_is_escaped(self, client):
        article = ArticleFactory(headline="<script>alert(1)</script>", lede="<b>lede</b>")
        html = client.get(article.get_absolute_url()).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>lede</b>" not in html

    def test_the_html_is_the_same_for_every_reader(self, client, seed_article, django_user_model):
        url = seed_article.get_absolute_url()
        anonymous = client.get(url)
        client.force_login(django_user_model.objects.create_user("lezer", password="x"))
        logged_in = client.get(url)
        assert anonymous.content == logged_in.content
        for response in (anonymous, logged_in):
            assert "Cookie" not in response.get("Vary", "")
            assert "csrftoken" not in response.cookies
            assert "sessionid" not in response.cookies
            assert b"csrfmiddlewaretoken" not in response.content
            assert "public" in response["Cache-Control"]

    def test_it_sends_validators_based_on_the_public_modified_time(self, client, seed_article):
        response = client.get(seed_article.get_absolute_url())
        assert response["Last-Modified"] == http_date(seed_article.modified_at.timestamp())
        assert response["ETag"].startswith('"')

    def test_conditional_gets_are_answered_with_304(self, client, seed_article):
        url = seed_article.get_absolute_url()
        first = client.get(url)
        by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
        by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        assert (by_etag.status_code, by_date.status_code) == (304, 304)
        assert by_etag.content == b""

    def test_an_edit_changes_the_etag(self, client, seed_article):
        url = seed_article.get_absolute_url()
        before = client.get(url)["ETag"]
        seed_article.headline = "Een nieuwe kop"
        save_change(seed_article)
        after = client.get(url, headers={"if-none-match": before})
        assert after.status_code == 200
        assert after["ETag"] != before


class TestPermalinks:
    def test_an_old_slug_redirects_permanently_to_the_current_url(self, client, seed_article):
        old_url = seed_article.get_absolute_url()
        article = Article.objects.get(pk=seed_article.pk)
        article.headline, article.slug = "Kop aangepast", "kop-aangepast"
        save_change(article)
        response = client.get(old_url)
        assert response.status_code == 301
        assert response["Location"] == "/buitenland/kop-aangepast/"

    def test_an_old_section_redirects_to_the_new_one(self, client, seed_article):
        old_url = seed_article.get_absolute_url()
        article = Article.objects.get(pk=seed_article.pk)
        article.section = SectionFactory(name="Economie", slug="economie")
        save_change(article)
        response = client.get(old_url)
        assert (response.status_code, response["Location"]) == (
            301,
            "/economie/ministers-akkoord-treinen/",
        )

    def test_the_change_log_at_an_old_slug_redirects_to_the_current_one(self, client, seed_article):
        old_url = seed_article.get_absolute_url() + "wijzigingen/"
        article = Article.objects.get(pk=seed_article.pk)
        article.headline, article.slug = "Kop aangepast", "kop-aangepast"
        save_change(article)
        response = client.get(old_url)
        assert (response.status_code, response["Location"]) == (
            301,
            "/buitenland/kop-aangepast/wijzigingen/",
        )

    def test_an_old_url_of_an_unpublished_article_is_404(self, client, seed_article):
        old_url = seed_article.get_absolute_url()
        article = Article.objects.get(pk=seed_article.pk)
        article.slug = "nieuw"
        article.status = Article.Status.UNPUBLISHED
        save_change(article)
        assert client.get(old_url).status_code == 404


class TestBadUrls:
    @pytest.mark.parametrize(
        "path",
        [
            "/buitenland/bestaat-niet/",
            "/sport/ministers-akkoord-treinen/",  # wrong section
            "/bestaat-niet/ministers-akkoord-treinen/",
            "/bestaat-niet/",
            "/buitenland/?voor=999999999999",
            "/buitenland/?voor=0",
            "/buitenland/?na=-1",
            "/buitenland/?voor=abc",
            "/buitenland/?voor=" + "9" * 500,
            "/buitenland/?voor=%C2%B2",
            "/buitenland/archief/2025/13/",
            "/buitenland/archief/0/05/",
            "/buitenland/%00/",
            "/buitenland/" + "a" * 5000 + "/",
        ],
    )
    def test_it_answers_404_in_dutch_never_500(self, client, seed_article, path):
        SectionFactory(name="Sport", slug="sport")
        response = client.get(path)
        assert response.status_code == 404
        assert "Pagina niet gevonden" in response.content.decode()

    @pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
    def test_reader_pages_refuse_writes(self, client, seed_article, method):
        for url in ("/", "/buitenland/", seed_article.get_absolute_url()):
            assert getattr(client, method)(url).status_code == 405

    def test_the_error_page_is_dutch(self, client):
        from django.views.defaults import server_error

        response = server_error(client.get("/").wsgi_request)
        assert response.status_code == 500
        assert "Er is iets misgegaan" in response.content.decode()


class TestListings:
    def test_home_shows_latest_and_per_section_blocks(self, client):
        sport = SectionFactory(name="Sport", slug="sport", position=1)
        economie = SectionFactory(name="Economie", slug="economie", position=2)
        now = timezone.now()
        for i in range(12):
            ArticleFactory(
                section=sport if i % 2 else economie,
                headline=f"Bericht {i:02d}",
                published_at=now - timedelta(hours=i),
            )
        html = client.get("/").content.decode()
        assert html.index("Bericht 00") < html.index("Bericht 06")  # newest first
        assert 'id="block-sport"' in html and 'id="block-economie"' in html
        assert html.index('id="block-sport"') < html.index('id="block-economie"')
        for i in range(12):  # 7 latest + the remaining 5 in their section blocks
            assert f"Bericht {i:02d}" in html

    def test_section_page_links_to_older_and_newer_pages_by_article_not_by_number(self, client):
        section = SectionFactory(name="Sport", slug="sport")
        now = timezone.now()
        articles = [
            ArticleFactory(
                section=section, headline=f"Uitslag {i:02d}", published_at=now - timedelta(hours=i)
            )
            for i in range(25)
        ]
        first = client.get("/sport/").content.decode()
        assert "Uitslag 00" in first and "Uitslag 19" in first and "Uitslag 20" not in first
        assert f'href="?voor={articles[19].pk}"' in first and "?na=" not in first

        second = client.get(f"/sport/?voor={articles[19].pk}").content.decode()
        assert "Uitslag 19" not in second and "Uitslag 20" in second and "Uitslag 24" in second
        assert f'href="?na={articles[20].pk}"' in second and "?voor=" not in second

        back = client.get(f"/sport/?na={articles[20].pk}").content.decode()
        assert back.index("Uitslag 00") < back.index("Uitslag 19") and "Uitslag 20" not in back

    def test_articles_published_in_the_same_microsecond_are_all_listed_once(self, client):
        section = SectionFactory(name="Sport", slug="sport")
        at = timezone.now() - timedelta(hours=1)
        for i in range(45):
            ArticleFactory(section=section, headline=f"Tegelijk {i:02d}", published_at=at)
        seen, url = [], "/sport/"
        while url:
            html = client.get(url).content.decode()
            seen += re.findall(r"Tegelijk \d\d", html)
            older = re.search(r'href="(\?voor=\d+)"', html)
            url = f"/sport/{older.group(1)}" if older else None
        assert sorted(seen) == [f"Tegelijk {i:02d}" for i in range(45)]

    def test_a_month_archive_lists_that_month_of_the_section_only(self, client):
        sport = SectionFactory(name="Sport", slug="sport")
        ArticleFactory(section=sport, headline="In mei", published_at=_amsterdam(2025, 5, 31, 23))
        ArticleFactory(section=sport, headline="In juni", published_at=_amsterdam(2025, 6, 1, 0))
        ArticleFactory(headline="Andere rubriek", published_at=_amsterdam(2025, 5, 10, 12))
        html = client.get("/sport/archief/2025/05/").content.decode()
        assert "In mei" in html and "In juni" not in html and "Andere rubriek" not in html
        assert 'href="/sport/archief/2025/04/"' in html and 'href="/sport/archief/2025/06/"' in html

    def test_navigation_has_home_the_nav_sections_and_more(self, client):
        for position, (name, in_nav) in enumerate(
            [
                ("Krant", True),
                ("Media", True),
                ("Puzzels", True),
                ("Binnenland", False),
                ("Buitenland", False),
            ]
        ):
            SectionFactory(name=name, slug=name.lower(), position=position, in_nav=in_nav)
        html = client.get("/").content.decode()
        nav = html[html.index("<nav") : html.index("</nav>")]
        labels = ["Home", "Krant", "Media", "Puzzels", "Meer", "Binnenland", "Buitenland"]
        positions = [nav.index(f">{label}<") for label in labels]
        assert positions == sorted(positions)

    def test_the_navigation_follows_editor_changes(self, client):
        section = SectionFactory(name="Puzzels", slug="puzzels", in_nav=False)
        client.get("/")
        section.in_nav = True
        section.name = "Puzzels & spel"
        section.save()
        nav = client.get("/").content.decode()
        assert "Puzzels &amp; spel" in nav


def _amsterdam(*parts) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo("Europe/Amsterdam"))


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


class TestQueryCounts:
    def test_home_uses_four_queries_however_much_content_and_however_many_pins(self, client):
        sections = [SectionFactory() for _ in range(3)]
        ArticleFactory(section=sections[0])
        few = count_queries(client, "/")
        for i in range(40):
            article = ArticleFactory(section=sections[i % 3], authors=[AuthorFactory()])
            if i < 3:
                FrontPageSlot.objects.create(article=article, position=i, breaking=i == 0)
        forget_local_copy()
        many = count_queries(client, "/")
        # navigation (1, then kept in the process), pins (1), latest (1), sections' blocks (1)
        assert few == many == 4

    def test_section_pages_use_two_or_three_queries_however_much_content(self, client):
        section = SectionFactory(slug="sport")
        ArticleFactory(section=section)
        few = count_queries(client, "/sport/")
        articles = [ArticleFactory(section=section, authors=[AuthorFactory()]) for _ in range(30)]
        # the navigation (1, then kept in the process), the page (1)
        assert few == 2
        assert count_queries(client, "/sport/") == 1
        # the article the link names (1), the page (1)
        assert count_queries(client, f"/sport/?voor={articles[5].pk}") == 2
        assert count_queries(client, "/sport/archief/2025/05/") == 1


def test_reader_pages_keep_working_when_the_shared_cache_is_down(client, seed_article, dead_cache):
    for url in ("/", "/buitenland/", seed_article.get_absolute_url(), "/bestaat-niet/"):
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert "Buitenland" in response.content.decode()  # the navigation is still there
