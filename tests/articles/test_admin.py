import pytest
from django.urls import reverse

from articles.models import Article
from articles.roles import EINDREDACTEUR, VERSLAGGEVER
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(username="eva", role=EINDREDACTEUR))
    return client


@pytest.fixture
def reporter(client):
    client.force_login(UserFactory(username="victor", role=VERSLAGGEVER))
    return client


def article_form(section, **overrides):
    data = {
        "section": section.pk,
        "headline": "Gemeente opent nieuwe bibliotheek",
        "slug": "gemeente-opent-bibliotheek",
        "lede": "De gemeente opent een bibliotheek. Dat gebeurt volgende week.",
        "body": "<p>De bibliotheek telt drie verdiepingen.</p>",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "modified_at_0": "",
        "modified_at_1": "",
        # The inline images formset, empty.
        "inline_images-TOTAL_FORMS": "0",
        "inline_images-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_the_admin_speaks_dutch(editor):
    html = editor.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Artikelen" in html
    assert "Gepubliceerd" in html or "gepubliceerd" in html


def test_the_body_is_sanitized_when_an_editor_saves(editor):
    section = SectionFactory()
    response = editor.post(
        reverse("admin:articles_article_add"),
        article_form(section, body='<p onclick="x()">Tekst</p><script>alert(1)</script>'),
    )
    assert response.status_code == 302
    assert Article.objects.get().body == "<p>Tekst</p>"


def test_an_editor_can_publish(editor):
    section = SectionFactory()
    response = editor.post(
        reverse("admin:articles_article_add"),
        article_form(section, status=Article.Status.PUBLISHED),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert article.is_visible


def test_a_future_publication_becomes_a_schedule(editor):
    section = SectionFactory()
    editor.post(
        reverse("admin:articles_article_add"),
        article_form(
            section,
            status=Article.Status.PUBLISHED,
            published_at_0="2099-01-01",
            published_at_1="07:00",
        ),
    )
    article = Article.objects.get()
    assert article.status == Article.Status.SCHEDULED
    assert not article.is_visible


def test_a_reporter_cannot_publish(reporter):
    section = SectionFactory()
    response = reporter.post(
        reverse("admin:articles_article_add"),
        article_form(section, status=Article.Status.PUBLISHED),
    )
    assert response.status_code == 200
    assert "U mag geen artikelen publiceren" in response.content.decode()
    assert not Article.objects.exists()


def test_a_reporter_can_write_a_draft(reporter):
    section = SectionFactory()
    response = reporter.post(reverse("admin:articles_article_add"), article_form(section))
    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.DRAFT


def test_a_reporter_cannot_change_a_published_article(reporter):
    article = ArticleFactory(headline="Origineel")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = reporter.post(
        url, article_form(article.section, headline="Gewijzigd", status="published")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Origineel"


def test_editing_a_published_article_moves_the_public_modified_time(editor):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    published_at = article.published_at.astimezone()
    response = editor.post(
        url,
        article_form(
            article.section,
            slug=article.slug,
            status=Article.Status.PUBLISHED,
            published_at_0=published_at.strftime("%d-%m-%Y"),
            published_at_1=published_at.strftime("%H:%M:%S"),
            headline="Aangevulde kop",
            version=article.revision_number,
            change_kind="update",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.headline == "Aangevulde kop"
    assert article.public_modified_at is not None


def test_no_csrf_token_no_change(client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(UserFactory(username="eva2", role=EINDREDACTEUR))
    response = csrf_client.post(
        reverse("admin:articles_article_add"), article_form(SectionFactory())
    )
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_an_admin_page_a_reporter_may_not_open_is_a_dutch_403(reporter):
    response = reporter.get(reverse("admin:feedback_typoreport_changelist"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Geen toegang" in html
    assert "Forbidden" not in html


@pytest.mark.parametrize("day", ["01-01-0001", "31-12-9999"])
def test_a_publication_date_out_of_range_is_a_form_error_not_a_500(editor, day):
    data = article_form(
        SectionFactory(),
        authors=[AuthorFactory().pk],
        status=Article.Status.PUBLISHED,
        published_at_0=day,
        published_at_1="00:00",
    )
    response = editor.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "Vul een datum in tussen de jaren 1600 en 9998." in response.content.decode()
    assert not Article.objects.exists()


def test_an_editor_is_not_linked_to_a_user_page_they_may_not_open(editor):
    author = UserFactory(username="schrijver", role=VERSLAGGEVER)
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(created_by=author)
    html = editor.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "schrijver" in html
    assert f"/admin/auth/user/{author.pk}/change/" not in html


def test_a_failed_login_has_a_dutch_page_title(client):
    response = client.post(reverse("admin:login"), {"username": "niemand", "password": "fout"})
    title = response.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Fout: ")


def test_an_author_name_with_a_control_character_is_a_form_error(client):
    # Names reach the newsletter; Word's line break is refused, not silently mended.
    client.force_login(UserFactory(username="beheer", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("admin:articles_author_add"), {"name": "Anne\vde Vries", "slug": "anne-de-vries"}
    )
    assert response.status_code == 200
    assert "onzichtbaar stuurteken of een regeleinde" in response.content.decode()
    assert not AuthorFactory._meta.model.objects.filter(slug="anne-de-vries").exists()
