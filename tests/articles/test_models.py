from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles.demo import SECTIONS
from articles.models import Article, ArticleRedirect
from articles.richtext import sanitize_body
from tests.factories import ArticleFactory, SectionFactory, save_change

pytestmark = pytest.mark.django_db


def words(n: int) -> str:
    return " ".join(["woord"] * n)


class TestReadingTime:
    @pytest.mark.parametrize(
        ("lede_words", "body_words", "minutes"),
        [(1, 0, 1), (0, 0, 1), (50, 150, 1), (50, 151, 2), (35, 215, 2), (100, 500, 3)],
    )
    def test_it_counts_lede_and_body_rounded_up_with_minimum_one(
        self, lede_words, body_words, minutes
    ):
        article = ArticleFactory(lede=words(lede_words), body=f"<p>{words(body_words)}</p>")
        assert article.reading_time == minutes

    def test_it_counts_words_across_paragraph_boundaries(self):
        article = ArticleFactory(lede="", body="<p>een</p><p>twee</p>" * 101)
        assert article.reading_time == 2  # 202 words, not 101 glued pairs


class TestSanitizer:
    @pytest.mark.parametrize(
        "hostile",
        [
            "<script>alert(1)</script>",
            '<img src="x" onerror="alert(1)">',
            '<a href="javascript:alert(1)">klik</a>',
            '<a href="data:text/html;base64,PHNjcmlwdD4=">klik</a>',
            '<p onclick="alert(1)">tekst</p>',
            '<iframe src="https://evil.example"></iframe>',
            "<style>body{display:none}</style>",
            "<svg><script>alert(1)</script></svg>",
            '<a href="JaVaScRiPt:alert(1)">klik</a>',
            '<p style="background:url(javascript:alert(1))">tekst</p>',
        ],
    )
    def test_it_removes_scripts_handlers_dangerous_urls_and_unknown_tags(self, hostile):
        cleaned = sanitize_body(hostile).lower()
        for needle in (
            "<script",
            "onerror",
            "onclick",
            "javascript:",
            "data:",
            "<iframe",
            "<style",
            "<svg",
            "style=",
        ):
            assert needle not in cleaned

    def test_it_keeps_the_formatting_editors_use(self):
        html = (
            "<h2>Tussenkop</h2><p><strong>vet</strong> <em>cursief</em> "
            '<a href="https://example.nl/">link</a></p><ul><li>een</li></ul><blockquote><p>citaat</p></blockquote>'
        )
        assert sanitize_body(html) == html

    def test_it_maps_pasted_presentational_tags(self):
        assert (
            sanitize_body("<p><b>vet</b> <i>schuin</i></p>")
            == "<p><strong>vet</strong> <em>schuin</em></p>"
        )

    def test_the_body_is_sanitized_on_every_save(self):
        article = ArticleFactory(body="<p>veilig</p><script>alert(1)</script>")
        article.refresh_from_db()
        assert article.body == "<p>veilig</p>"


class TestArticle:
    def test_a_missing_slug_is_made_from_the_headline(self):
        article = ArticleFactory(headline="Nieuwe regels voor fietsers in Utrecht", slug="")
        assert article.slug == "nieuwe-regels-voor-fietsers-in-utrecht"

    def test_the_database_refuses_a_published_article_without_publication_time(self):
        article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        article.status = Article.Status.PUBLISHED
        with pytest.raises(IntegrityError):
            article.save()  # around the workflow, which would set the time

    def test_the_database_refuses_a_modified_time_before_publication(self):
        now = timezone.now()
        with pytest.raises(IntegrityError):
            ArticleFactory(published_at=now, modified_at=now - timedelta(minutes=1))

    def test_public_modified_time_is_only_shown_when_later_than_publication(self):
        now = timezone.now() - timedelta(hours=2)
        assert ArticleFactory(published_at=now, modified_at=None).public_modified_at is None
        assert ArticleFactory(published_at=now, modified_at=now).public_modified_at is None
        later = now + timedelta(minutes=25)
        assert ArticleFactory(published_at=now, modified_at=later).public_modified_at == later


class TestPermanentUrls:
    def test_changing_the_slug_of_a_published_article_keeps_the_old_url(self):
        article = ArticleFactory(slug="oude-kop")
        article = Article.objects.get(pk=article.pk)
        article.slug = "nieuwe-kop"
        save_change(article)
        redirect = ArticleRedirect.objects.get()
        assert (redirect.section_slug, redirect.slug, redirect.article) == (
            article.section.slug,
            "oude-kop",
            article,
        )

    def test_moving_an_article_to_another_section_keeps_the_old_url(self):
        article = ArticleFactory(section=SectionFactory(slug="binnenland"), slug="kop")
        article = Article.objects.get(pk=article.pk)
        article.section = SectionFactory(slug="buitenland")
        save_change(article)
        assert ArticleRedirect.objects.filter(section_slug="binnenland", slug="kop").exists()

    def test_a_never_published_draft_leaves_no_redirect(self):
        article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, slug="concept")
        article = Article.objects.get(pk=article.pk)
        article.slug = "concept-2"
        save_change(article)
        assert not ArticleRedirect.objects.exists()

    def test_an_article_moving_back_to_an_old_url_drops_that_redirect(self):
        article = ArticleFactory(slug="a")
        article = Article.objects.get(pk=article.pk)
        article.slug = "b"
        save_change(article)
        article.slug = "a"
        save_change(article)
        assert list(ArticleRedirect.objects.values_list("slug", flat=True)) == ["b"]


def test_every_save_gets_a_new_revision_number():
    article = ArticleFactory()
    first = article.revision_number
    save_change(article)
    assert (first, article.revision_number) == (1, 2)


def test_a_section_cannot_take_the_url_of_another_page():
    from django.core.exceptions import ValidationError

    from articles.models import Section

    with pytest.raises(ValidationError, match="gereserveerd"):
        Section(name="Zoeken", slug="zoeken").full_clean()


@pytest.mark.parametrize("slug", ["uploads", "static", "admin", "zoeken"])
def test_the_database_refuses_a_reserved_section_slug_from_code_too(slug):
    from articles.models import Section

    # The demo loader and imports create sections without a form.
    with pytest.raises(IntegrityError):
        Section.objects.create(name="Schaduw", slug=slug)


def test_uploads_and_static_files_live_under_reserved_first_segments(settings):
    from articles.sections import RESERVED_SLUGS

    for url in (settings.MEDIA_URL, settings.STATIC_URL):
        assert url.strip("/").split("/")[0] in RESERVED_SLUGS


@pytest.mark.parametrize(("slug", "name"), [(slug, name) for slug, name, _ in SECTIONS])
def test_every_demo_section_is_valid_and_outside_the_uploads(slug, name, settings):
    from articles.models import Section

    # Behind the TLS proxy MEDIA_URL is served from disk: a section there was unreachable.
    Section(name=name, slug=slug).full_clean()
    assert not f"/{slug}/".startswith(settings.MEDIA_URL)


def test_the_media_section_has_a_page_of_its_own(client):
    media = SectionFactory(name="Media", slug="media")
    ArticleFactory(section=media, headline="Omroepen fuseren")
    response = client.get("/media/")
    assert response.status_code == 200
    assert "Omroepen fuseren" in response.content.decode()


def test_control_characters_pasted_into_the_texts_are_not_stored():
    article = ArticleFactory(
        headline="Kabinet\x0bvalt\x00",
        lede="Het kabinet\x08 is\tgevallen.",
        body="<p>Tekst\x1f.</p>",
    )
    article.refresh_from_db()
    assert article.headline == "Kabinet valt"
    assert article.lede == "Het kabinet is\tgevallen."
    assert article.body == "<p>Tekst.</p>"


def test_control_characters_in_section_and_author_names_are_not_stored():
    from tests.factories import AuthorFactory

    section = SectionFactory(name="Kerk\x0b& religie")
    author = AuthorFactory(name="Anne\x08 de Vries", bio="Schrijft\x0bover kerk.")
    section.refresh_from_db()
    author.refresh_from_db()
    assert (section.name, author.name, author.bio) == (
        "Kerk & religie",
        "Anne de Vries",
        "Schrijft over kerk.",
    )
