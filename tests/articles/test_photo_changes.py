"""A photo of a published or scheduled article is part of it: changing it is an editorial change."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles import services
from articles.models import Article, Image, InlineImage
from articles.roles import EINDREDACTEUR, VERSLAGGEVER
from tests.articles.test_images import jpeg_bytes
from tests.factories import ArticleFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db
REFUSAL = "alleen een eindredacteur"


def image_url(image):
    return reverse("admin:articles_image_change", args=[image.pk])


def image_data(image, **changes):
    return {"alt": image.alt, "caption": image.caption, "credit": image.credit, **changes}


@pytest.fixture
def photo():
    return ImageFactory(caption="Minister De Vries in Den Haag.")


@pytest.fixture
def published(photo):
    return ArticleFactory(lead_image=photo, headline="Kabinet valt")


def as_role(client, role):
    user = UserFactory(username=role.lower(), role=role)
    client.force_login(user)
    return user


class TestReporter:
    @pytest.mark.parametrize("where", ["lead", "inline"])
    def test_a_reporter_cannot_change_the_caption_of_a_published_photo(self, client, photo, where):
        if where == "lead":
            article = ArticleFactory(lead_image=photo)
        else:
            article = ArticleFactory()
            InlineImage.objects.create(article=article, image=photo)
        as_role(client, VERSLAGGEVER)
        response = client.post(image_url(photo), image_data(photo, caption="Iemand anders."))
        assert response.status_code == 200
        assert REFUSAL in response.content.decode()
        assert Image.objects.get(pk=photo.pk).caption == "Minister De Vries in Den Haag."
        assert article.revisions.count() == 1

    def test_a_reporter_cannot_replace_the_file_of_a_published_photo(self, client, published):
        photo = published.lead_image
        as_role(client, VERSLAGGEVER)
        upload = SimpleUploadedFile("ander.jpg", jpeg_bytes(), content_type="image/jpeg")
        response = client.post(image_url(photo), {**image_data(photo), "file": upload})
        assert REFUSAL in response.content.decode()
        assert Image.objects.get(pk=photo.pk).file.name == photo.file.name

    def test_the_service_refuses_a_reporter_too(self, photo, published):
        reporter = UserFactory(role=VERSLAGGEVER)
        photo.caption = "Iemand anders."
        with pytest.raises(PermissionDenied):
            services.image_change(image=photo, by=reporter, changed=["caption"], kind="typo")
        assert Image.objects.get(pk=photo.pk).caption == "Minister De Vries in Den Haag."

    def test_a_reporter_may_still_change_a_photo_of_a_draft(self, client, photo):
        ArticleFactory(lead_image=photo, status=Article.Status.DRAFT, published_at=None)
        as_role(client, VERSLAGGEVER)
        response = client.post(image_url(photo), image_data(photo, caption="Beter bijschrift."))
        assert response.status_code == 302
        assert Image.objects.get(pk=photo.pk).caption == "Beter bijschrift."


class TestEditor:
    def test_an_editors_caption_change_is_a_revision_of_the_article(self, client, published):
        photo = published.lead_image
        editor = as_role(client, EINDREDACTEUR)
        response = client.post(
            image_url(photo),
            image_data(
                photo,
                caption="Minister Jansen in Den Haag.",
                change_kind="correction",
                change_note="Op de foto staat minister Jansen, niet De Vries.",
            ),
        )
        assert response.status_code == 302
        revision = published.revisions.first()
        assert (revision.number, revision.kind, revision.created_by) == (2, "correction", editor)
        assert revision.images["lead"]["caption"] == "Minister Jansen in Den Haag."
        html = client.get(published.get_absolute_url()).content.decode()
        assert "Minister Jansen in Den Haag." in html
        assert "Op de foto staat minister Jansen, niet De Vries." in html

    def test_each_released_article_showing_the_photo_gets_one_revision(self, shared_photo):
        photo = shared_photo
        editor = UserFactory(role=EINDREDACTEUR)
        photo.alt = "Een trein op een brug bij Nijmegen"
        services.image_change(image=photo, by=editor, changed=["alt"], kind="typo")
        counts = {a.headline: a.revisions.count() for a in Article.objects.all()}
        assert counts == {"Lead": 2, "Inline": 2, "Concept": 1}

    def test_a_change_kind_is_required(self, client, published):
        photo = published.lead_image
        as_role(client, EINDREDACTEUR)
        response = client.post(image_url(photo), image_data(photo, caption="Nieuw."))
        assert response.status_code == 200
        assert "taalfout, een aanvulling of een correctie" in response.content.decode()
        assert published.revisions.count() == 1

    def test_the_form_asks_the_change_kind_only_for_a_photo_in_use(self, client, published):
        as_role(client, EINDREDACTEUR)
        in_use = client.get(image_url(published.lead_image)).content.decode()
        unused = client.get(image_url(ImageFactory())).content.decode()
        assert "Soort wijziging" in in_use and "Soort wijziging" not in unused

    def test_a_new_file_queues_renditions_through_the_outbox(
        self, published, django_capture_on_commit_callbacks
    ):
        from articles.tasks import make_image_renditions
        from newsroom.models import OutboxTask

        photo = published.lead_image
        photo.renditions = {"480": {"webp": "x.webp", "jpeg": "x.jpg"}}
        editor = UserFactory(role=EINDREDACTEUR)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.image_change(image=photo, by=editor, changed=["file"], kind="update")
        assert Image.objects.get(pk=photo.pk).renditions == {}
        queued = OutboxTask.objects.get()
        assert (queued.task, queued.args) == (make_image_renditions.name, [photo.pk])
        # The broker is asked only after commit (the other: the page cache's new version).
        assert len(callbacks) == 2


@pytest.fixture
def shared_photo():
    """A photo in a published article, inline in another and inline in a draft."""
    photo = ImageFactory()
    ArticleFactory(headline="Lead", lead_image=photo)
    InlineImage.objects.create(article=ArticleFactory(headline="Inline"), image=photo)
    draft = ArticleFactory(headline="Concept", status=Article.Status.DRAFT, published_at=None)
    InlineImage.objects.create(article=draft, image=photo)
    return photo
