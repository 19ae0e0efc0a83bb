"""What readers see of changes: correction notes, the change log, previews and the job."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Revision
from articles.policy import SYSTEM
from articles.tasks import publish_due_articles
from tests.factories import ArticleFactory, save_change

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
PUBLISHED = datetime(2025, 5, 9, 10, 43, tzinfo=AMS)


def at(hour, minute):
    return datetime(2025, 5, 9, hour, minute, tzinfo=AMS)


@pytest.fixture
def article():
    article = ArticleFactory(published_at=PUBLISHED, headline="Akkoord over treinen")
    save_change(article, kind=Revision.Kind.TYPO, at=at(10, 50))
    save_change(article, kind=Revision.Kind.UPDATE, public_note="Reactie toegevoegd.", at=at(11, 8))
    save_change(
        article,
        kind=Revision.Kind.CORRECTION,
        public_note="Het bedrag is <3 miljoen> euro.",
        at=at(12, 15),
    )
    return article


class TestArticlePage:
    def test_a_correction_note_is_shown_dated_and_escaped(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Correctie" in html and "9 mei 2025 12:15" in html
        assert "Het bedrag is &lt;3 miljoen&gt; euro." in html
        assert "Gewijzigd op" in html

    def test_a_typo_fix_alone_shows_no_modified_line(self, client):
        article = ArticleFactory(published_at=PUBLISHED)
        save_change(article, kind=Revision.Kind.TYPO, at=at(11, 0))
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Gewijzigd op" not in html
        assert "Correctie" not in html

    def test_last_modified_follows_the_public_rule(self, client, article):
        save_change(article, kind=Revision.Kind.TYPO, at=at(13, 0))
        response = client.get(article.get_absolute_url())
        assert response["Last-Modified"] == "Fri, 09 May 2025 10:15:00 GMT"


class TestChangeLog:
    def test_it_lists_updates_and_corrections_with_dates_and_counts_typo_fixes(
        self, client, article
    ):
        url = reverse("articles:changes", args=[article.section.slug, article.slug])
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Aanvulling" in html and "Reactie toegevoegd." in html and "11:08" in html
        assert "Correctie" in html and "12:15" in html
        assert "Daarnaast 1 kleine verbetering" in html
        assert "10:50" not in html
        assert "public" in response["Cache-Control"]

    def test_the_article_page_links_to_it(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        assert reverse("articles:changes", args=[article.section.slug, article.slug]) in html

    def test_it_is_404_for_an_article_readers_cannot_see(self, client):
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        url = reverse("articles:changes", args=[draft.section.slug, draft.slug])
        assert client.get(url).status_code == 404

    def test_it_refuses_writes(self, client, article):
        url = reverse("articles:changes", args=[article.section.slug, article.slug])
        assert client.post(url).status_code == 405


class TestSharedPreview:
    def test_a_draft_can_be_previewed_without_an_account_and_is_not_indexed(self, client):
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Geheim")
        token = services.preview_token(by=SYSTEM, article=draft)
        response = client.get(reverse("articles:preview", args=[token]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Geheim" in html
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]

    def test_a_preview_link_refuses_writes(self, client):
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        url = reverse("articles:preview", args=[services.preview_token(by=SYSTEM, article=draft)])
        assert client.post(url).status_code == 405

    def test_a_revision_can_be_shared(self, client, article):
        first = article.revisions.get(number=1)
        Article.objects.filter(pk=article.pk).update(headline="Huidige kop")
        first.headline = "Eerste kop"
        first.save()
        token = services.preview_token(by=SYSTEM, article=article, revision=first)
        html = client.get(reverse("articles:preview", args=[token])).content.decode()
        assert "Eerste kop" in html and "Huidige kop" not in html

    def test_a_preview_link_expires_after_48_hours(self, client):
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            token = services.preview_token(by=SYSTEM, article=draft)
        url = reverse("articles:preview", args=[token])
        with time_machine.travel(now + timedelta(hours=47), tick=False):
            assert client.get(url).status_code == 200
        with time_machine.travel(now + timedelta(hours=48, seconds=1), tick=False):
            response = client.get(url)
        assert response.status_code == 410
        assert "verlopen" in response.content.decode()

    @pytest.mark.parametrize(
        "token",
        [
            "garbage",
            "x" * 2000,
            signing.dumps({"a": 1}, salt="other-salt"),
            signing.dumps("not-a-dict", salt=services.PREVIEW_SALT),
            signing.dumps({"a": 999999}, salt=services.PREVIEW_SALT),
        ],
    )
    def test_a_tampered_or_unknown_token_is_a_dutch_404(self, client, token):
        ArticleFactory()
        response = client.get(reverse("articles:preview", args=[token]))
        assert response.status_code == 404
        assert "niet geldig" in response.content.decode()

    def test_a_token_edited_to_another_article_is_refused(self, client):
        first = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        second = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Ander")
        payload, _, signature = services.preview_token(by=SYSTEM, article=first).partition(":")
        other_payload = services.preview_token(by=SYSTEM, article=second).partition(":")[0]
        forged = f"{other_payload}:{signature}"
        assert other_payload != payload
        response = client.get(reverse("articles:preview", args=[forged]))
        assert response.status_code == 404
        assert "Ander" not in response.content.decode()


class TestScheduledPublication:
    def test_the_job_marks_due_articles_published_and_leaves_the_rest(self):
        seven = datetime(2025, 5, 9, 7, 0, tzinfo=AMS)
        with time_machine.travel(seven - timedelta(hours=8), tick=False):
            due = ArticleFactory(status=Article.Status.SCHEDULED, published_at=seven)
            later = ArticleFactory(
                status=Article.Status.SCHEDULED, published_at=seven + timedelta(hours=1)
            )
        with time_machine.travel(seven + timedelta(seconds=30), tick=False):
            assert publish_due_articles() == 1
            assert publish_due_articles() == 0
        due.refresh_from_db()
        later.refresh_from_db()
        assert (due.status, later.status) == (Article.Status.PUBLISHED, Article.Status.SCHEDULED)

    def test_the_job_records_that_it_ran(self):
        with time_machine.travel(timezone.now(), tick=False):
            publish_due_articles()
            assert not services.publish_job_is_late()
        with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
            assert services.publish_job_is_late()

    def test_the_job_runs_on_a_real_worker(self, celery_worker):
        article = ArticleFactory(
            status=Article.Status.SCHEDULED, published_at=timezone.now() - timedelta(seconds=5)
        )
        publish_due_articles.delay()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            article.refresh_from_db()
            if article.status == Article.Status.PUBLISHED:
                break
            time.sleep(0.05)
        assert article.status == Article.Status.PUBLISHED

    def test_beat_runs_the_job_every_minute(self, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["articles-publish-due"]
        assert entry == {"task": "articles.tasks.publish_due_articles", "schedule": 60.0}
