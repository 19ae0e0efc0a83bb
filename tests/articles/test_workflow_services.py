"""The editorial workflow services: one permission check, one revision, the time decides."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import policy, services
from articles.demo import load_demo_content
from articles.models import Article, InlineImage, Revision
from articles.roles import EINDREDACTEUR, HOOFDREDACTIE, VERSLAGGEVER
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
    new_article_form,
    save_change,
)

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOON = datetime(2025, 5, 9, 12, 0, tzinfo=AMS)


@pytest.fixture
def editor():
    return UserFactory(username="eva", role=EINDREDACTEUR)


@pytest.fixture
def reporter():
    return UserFactory(username="victor", role=VERSLAGGEVER)


def draft_by(user, **fields):
    return ArticleFactory(status=Article.Status.DRAFT, published_at=None, created_by=user, **fields)


class TestPolicy:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [(VERSLAGGEVER, False), (EINDREDACTEUR, True), (HOOFDREDACTIE, True)],
    )
    def test_only_editors_may_publish(self, role, expected):
        assert policy.may_publish(UserFactory(role=role)) is expected

    def test_a_reporter_may_edit_only_their_own_draft_until_it_is_out(self, reporter):
        own, other = draft_by(reporter), draft_by(UserFactory(username="ander"))
        assert (policy.may_edit(reporter, own), policy.may_edit(reporter, other)) == (True, False)
        own.status = Article.Status.SCHEDULED
        assert not policy.may_edit(reporter, own)

    def test_moving_between_non_publishing_statuses_needs_no_publish_permission(self, reporter):
        review, published = Article.Status.REVIEW, Article.Status.PUBLISHED
        assert policy.may_set_status(reporter, old=Article.Status.DRAFT, new=review)
        assert not policy.may_set_status(reporter, old=Article.Status.DRAFT, new=published)
        assert policy.may_set_status(reporter, old=published, new=published)

    def test_a_photo_of_a_released_article_needs_publish_permission(self, reporter, editor):
        image = ImageFactory()
        assert policy.may_change_photo(reporter, image, released=False)
        assert not policy.may_change_photo(reporter, image, released=True)
        assert policy.may_change_photo(editor, image, released=True)


class TestOneRevisionPerAction:
    def test_a_new_article_keeps_its_byline_and_inline_photos_in_its_only_revision(self, editor):
        author, photo = AuthorFactory(name="Anne de Vries"), ImageFactory()
        article = Article(section=SectionFactory(), headline="Kop", lede="Lede.")

        def save_inline_photos():
            InlineImage.objects.create(article=article, image=photo, after_paragraph=1)

        revision = services.article_create(
            article=article, by=editor, authors=[author], save_related=save_inline_photos
        )
        assert article.revisions.count() == 1
        assert revision.authors == [{"id": author.pk, "name": "Anne de Vries"}]
        assert [p["id"] for p in revision.images["inline"]] == [photo.pk]
        assert (revision.created_by, article.created_by) == (editor, editor)

    def test_the_admin_add_form_writes_one_revision_with_byline_and_photos(self, client, editor):
        client.force_login(editor)
        author, photo = AuthorFactory(), ImageFactory()
        data = new_article_form(
            SectionFactory(),
            authors=[author.pk],
            **{
                "inline_images-TOTAL_FORMS": "1",
                "inline_images-0-image": photo.pk,
                "inline_images-0-after_paragraph": "1",
            },
        )
        response = client.post(reverse("admin:articles_article_add"), data)
        assert response.status_code == 302
        (revision,) = Article.objects.get(slug="nieuwe-brug").revisions.all()
        assert [a["id"] for a in revision.authors] == [author.pk]
        assert [p["id"] for p in revision.images["inline"]] == [photo.pk]

    def test_the_factory_goes_through_the_service(self):
        author = AuthorFactory()
        article = ArticleFactory(authors=[author])
        (revision,) = article.revisions.all()
        assert revision.authors == [{"id": author.pk, "name": author.name}]
        assert revision.created_by is None  # the site itself

    def test_the_demo_articles_keep_their_byline_from_the_first_revision(self):
        load_demo_content()
        first = Revision.objects.filter(number=1)
        assert first.count() == Article.objects.count() == 30
        assert all(revision.authors for revision in first)

    def test_the_demo_lead_stories_get_painted_photos_with_alt_caption_and_credit(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            load_demo_content()
        illustrated = Article.objects.exclude(lead_image=None).select_related("lead_image")
        assert illustrated.count() == 8
        newest = Article.objects.order_by("-published_at").first()
        assert newest.lead_image is not None  # the home page's top story
        for article in illustrated:
            photo = article.lead_image
            assert photo.is_publishable and photo.caption
            assert (photo.width, photo.height) == (1600, 900)
            assert photo.renditions  # made as for an upload (eagerly in tests)

    def test_a_correction_note_cannot_be_dropped_by_a_save(self, editor):
        article = ArticleFactory()
        save_change(article, kind="correction", public_note="Het is 42 miljoen.", by=editor)
        save_change(article, kind="typo", corrections=[], by=editor)
        article.refresh_from_db()
        assert [c["note"] for c in article.corrections] == ["Het is 42 miljoen."]

    def test_an_edit_of_a_published_article_must_say_what_it_is(self, editor):
        article = ArticleFactory()
        with pytest.raises(ValidationError):
            save_change(article, kind="", headline="Andere kop", by=editor)
        assert Article.objects.get(pk=article.pk).revision_number == 1


class TestStatusActions:
    def test_the_time_decides_between_scheduled_and_published(self, editor):
        with time_machine.travel(NOON, tick=False):
            later = services.article_publish(
                article=draft_by(editor), by=editor, at=NOON + timedelta(hours=2)
            )
            now = services.article_publish(article=draft_by(editor), by=editor)
        assert (later.status, later.published_at) == ("scheduled", NOON + timedelta(hours=2))
        assert (now.status, now.published_at) == ("published", NOON)

    def test_a_schedule_needs_a_future_time(self, editor):
        article = draft_by(editor)
        with pytest.raises(ValidationError):
            services.article_schedule(article=article, by=editor, at=timezone.now())
        assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT

    def test_a_reporter_submits_a_draft_but_may_not_publish_it(self, reporter):
        article = draft_by(reporter)
        revision = services.article_submit(article=article, by=reporter)
        assert (revision.status, revision.number) == (Article.Status.REVIEW, 2)
        for action in (services.article_publish, services.article_unpublish):
            with pytest.raises(PermissionDenied):
                action(article=Article.objects.get(pk=article.pk), by=reporter)
        assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW

    def test_an_unpublished_article_leaves_the_site_and_keeps_its_history(self, client, editor):
        article = ArticleFactory()
        services.article_unpublish(
            article=article, by=editor, internal_note="Op verzoek van de bron."
        )
        assert client.get(article.get_absolute_url()).status_code == 404
        assert list(article.revisions.values_list("status", flat=True)) == [
            "unpublished",
            "published",
        ]

    def test_the_beat_job_publishes_due_articles_as_one_revision_by_the_site(self, editor):
        with time_machine.travel(NOON, tick=False):
            article = services.article_schedule(
                article=draft_by(editor), by=editor, at=NOON + timedelta(minutes=5)
            ).article
        with time_machine.travel(NOON + timedelta(minutes=6), tick=False):
            assert services.articles_publish_due() == [article.pk]
            assert services.articles_publish_due() == []
        newest = article.revisions.first()
        assert (newest.status, newest.created_by, newest.kind) == ("published", None, "")
        assert Article.objects.get(pk=article.pk).published_at == NOON + timedelta(minutes=5)
