"""Revisions keep the byline and the photos too: restore, preview and diff use them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Article, Image, InlineImage, Revision
from articles.policy import SYSTEM
from articles.roles import EINDREDACTEUR
from tests.articles.test_workflow_admin import change_url, form_data, login
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, save_change

pytestmark = pytest.mark.django_db


def save_in_admin(client, article, **overrides):
    data = form_data(article, change_kind="update", change_note="Bijgewerkt.", **overrides)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Article.objects.get(pk=article.pk).revisions.first()


def restore_in_admin(client, article, number, **data):
    revision = article.revisions.get(number=number)
    url = reverse("admin:articles_article_restore", args=[article.pk, revision.pk])
    return client.post(url, {"change_kind": "update", "change_note": "Terug.", **data}, follow=True)


def preview_html(client, article, number):
    revision = article.revisions.get(number=number)
    url = reverse("admin:articles_article_revision_preview", args=[article.pk, revision.pk])
    return client.get(url).content.decode()


def compare_html(client, article, a, b):
    url = reverse("admin:articles_article_compare", args=[article.pk])
    response = client.get(url, {"a": a, "b": b})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def anne():
    return AuthorFactory(name="Anne de Vries")


@pytest.fixture
def bram():
    return AuthorFactory(name="Bram Bakker")


@pytest.fixture
def bylined(client, anne, bram):
    """A published article by Anne and Bram, then by Bram alone (revisions 2 and 3)."""
    login(client, EINDREDACTEUR)
    article = ArticleFactory()
    save_in_admin(client, article, authors=[anne.pk, bram.pk])
    save_in_admin(client, article, authors=[bram.pk])
    return article


@pytest.fixture
def photographed(client):
    """A published article with a lead image and an inline photo, then without both."""
    login(client, EINDREDACTEUR)
    article = ArticleFactory()
    lead = ImageFactory(alt="Een dijk bij Kampen", caption="Hoog water.", credit="Piet Post / ANP")
    inline = ImageFactory(alt="Zandzakken", caption="", credit="Ria Raaf")
    save_in_admin(
        client,
        article,
        lead_image=lead.pk,
        **{
            "inline_images-TOTAL_FORMS": "1",
            "inline_images-0-image": inline.pk,
            "inline_images-0-after_paragraph": "2",
        },
    )
    InlineImage.objects.filter(article=article).delete()
    article = Article.objects.get(pk=article.pk)
    article.lead_image = None
    save_change(article)
    return article


class TestAuthors:
    def test_an_admin_save_keeps_the_author_ids_and_names_in_byline_order(
        self, bylined, anne, bram
    ):
        assert bylined.revisions.get(number=2).authors == [
            {"id": anne.pk, "name": "Anne de Vries"},
            {"id": bram.pk, "name": "Bram Bakker"},
        ]
        assert bylined.revisions.get(number=3).authors == [{"id": bram.pk, "name": "Bram Bakker"}]

    def test_a_new_article_from_the_admin_keeps_its_authors(self, client, anne):
        login(client, EINDREDACTEUR)
        section = ArticleFactory().section
        data = {
            **form_data(ArticleFactory(), section=section.pk, slug="nieuw-stuk", authors=[anne.pk]),
            "status": Article.Status.DRAFT,
            "published_at_0": "",
            "published_at_1": "",
        }
        del data["version"]
        assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
        revision = Article.objects.get(slug="nieuw-stuk").revisions.get()
        assert revision.authors == [{"id": anne.pk, "name": "Anne de Vries"}]

    def test_restoring_brings_the_authors_back(self, client, bylined, anne, bram):
        response = restore_in_admin(client, bylined, 2)
        assert "staat weer online" in response.content.decode()
        bylined.refresh_from_db()
        assert list(bylined.authors.all()) == [anne, bram]
        assert bylined.revisions.first().authors == bylined.revisions.get(number=2).authors

    def test_a_deleted_author_stays_in_the_preview_and_is_named_when_restoring(
        self, client, bylined, anne, bram
    ):
        anne.delete()
        assert "Anne de Vries" in preview_html(client, bylined, 2)
        html = restore_in_admin(client, bylined, 2).content.decode()
        assert "verwijderd" in html and "Anne de Vries" in html
        assert list(Article.objects.get(pk=bylined.pk).authors.all()) == [bram]

    def test_the_preview_of_a_revision_shows_its_byline_not_the_current_one(self, client, bylined):
        html = preview_html(client, bylined, 2)
        assert '<span class="author">Anne de Vries</span>' in html
        html = preview_html(client, bylined, 3)
        assert "Anne de Vries" not in html and '<span class="author">Bram Bakker</span>' in html

    def test_the_shared_preview_link_of_a_revision_shows_its_byline(self, client, bylined):
        token = services.preview_token(
            by=SYSTEM, article=bylined, revision=bylined.revisions.get(number=2)
        )
        client.logout()
        html = client.get(reverse("articles:preview", args=[token])).content.decode()
        assert '<span class="author">Anne de Vries</span>' in html

    def test_the_diff_shows_a_changed_byline(self, client, bylined):
        html = compare_html(client, bylined, 2, 3)
        assert "<dt>Auteurs" in html
        assert "<del>Anne de Vries ·</del> Bram Bakker" in html

    def test_the_diff_leaves_out_an_unchanged_byline(self, client, bylined):
        html = compare_html(client, bylined, 3, "live")
        assert "<dt>Auteurs" not in html

    def test_an_author_name_in_the_diff_is_escaped(self, client, bylined):
        Revision.objects.filter(article=bylined, number=2).update(
            authors=[{"id": None, "name": "<script>alert(1)</script>"}]
        )
        html = compare_html(client, bylined, 2, 3)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


class TestPhotos:
    def test_an_admin_save_keeps_the_lead_image_and_the_inline_placements(self, photographed):
        kept = photographed.revisions.get(number=2).images
        assert kept["lead"]["alt"] == "Een dijk bij Kampen"
        assert (kept["lead"]["caption"], kept["lead"]["credit"]) == (
            "Hoog water.",
            "Piet Post / ANP",
        )
        assert [(p["alt"], p["after_paragraph"]) for p in kept["inline"]] == [("Zandzakken", 2)]
        assert photographed.revisions.first().images == {"lead": None, "inline": []}

    def test_restoring_brings_the_lead_image_and_the_placements_back(self, client, photographed):
        kept = photographed.revisions.get(number=2).images
        restore_in_admin(client, photographed, 2)
        photographed.refresh_from_db()
        assert photographed.lead_image_id == kept["lead"]["id"]
        placements = list(photographed.inline_images.values_list("image_id", "after_paragraph"))
        assert placements == [(kept["inline"][0]["id"], 2)]
        assert photographed.revisions.first().images == kept

    def test_the_restored_photos_reach_the_public_page(self, client, photographed):
        restore_in_admin(client, photographed, 2)
        client.logout()
        html = client.get(photographed.get_absolute_url()).content.decode()
        assert 'alt="Een dijk bij Kampen"' in html and 'alt="Zandzakken"' in html

    def test_the_preview_of_a_revision_shows_its_photos_with_the_captions_of_then(
        self, client, photographed
    ):
        lead_id = photographed.revisions.get(number=2).images["lead"]["id"]
        Image.objects.filter(pk=lead_id).update(caption="Later herschreven.")
        html = preview_html(client, photographed, 2)
        assert 'alt="Een dijk bij Kampen"' in html and "Hoog water." in html
        assert "Later herschreven." not in html
        assert 'alt="Zandzakken"' in html
        assert 'alt="Een dijk bij Kampen"' not in preview_html(client, photographed, 3)

    def test_the_preview_of_the_live_version_shows_inline_photos(self, client, photographed):
        restore_in_admin(client, photographed, 2)
        url = reverse("admin:articles_article_preview", args=[photographed.pk])
        assert 'alt="Zandzakken"' in client.get(url).content.decode()

    def test_the_diff_mentions_a_changed_lead_image(self, client, photographed):
        html = compare_html(client, photographed, 2, 3)
        assert "<dt>Hoofdfoto" in html and "<dt>Foto&#x27;s in de tekst" in html
        assert "<del>foto " in html and "Een dijk bij Kampen" in html

    def test_a_deleted_photo_is_left_out_of_a_restore_and_counted(self, client, photographed):
        lead_id = photographed.revisions.get(number=2).images["lead"]["id"]
        Image.objects.filter(pk=lead_id).delete()
        html = restore_in_admin(client, photographed, 2).content.decode()
        assert "1 foto van deze revisie is verwijderd" in html
        photographed.refresh_from_db()
        assert photographed.lead_image is None
        assert photographed.inline_images.count() == 1

    def test_a_photo_that_lost_its_credit_is_not_restored_into_a_published_article(
        self, client, photographed
    ):
        lead_id = photographed.revisions.get(number=2).images["lead"]["id"]
        Image.objects.filter(pk=lead_id).update(credit="")
        html = restore_in_admin(client, photographed, 2).content.decode()
        assert "geen alt-tekst of credit meer" in html
        photographed.refresh_from_db()
        assert photographed.lead_image is None and photographed.revisions.count() == 3

    def test_a_revision_from_before_photos_were_kept_leaves_the_photos_alone(
        self, client, photographed
    ):
        Revision.objects.filter(article=photographed, number=1).update(images=None)
        restore_in_admin(client, photographed, 2)
        html = compare_html(client, photographed, 1, "live")
        assert "<dt>Hoofdfoto" not in html
        restore_in_admin(client, photographed, 1)
        photographed.refresh_from_db()
        assert photographed.lead_image is not None and photographed.inline_images.count() == 1


class TestQueries:
    def test_comparing_with_the_live_version_uses_a_fixed_number_of_queries(
        self, client, photographed
    ):
        with CaptureQueriesContext(connection) as queries:
            compare_html(client, photographed, 2, "live")
        # session, user, article with section and lead image, the user's permissions (2),
        # old revision (1), live authors (1), live inline images with their photos (1)
        assert len(queries) == 8, [q["sql"] for q in queries]
