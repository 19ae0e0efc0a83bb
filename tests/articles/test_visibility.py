from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def test_only_published_and_due_scheduled_articles_are_visible():
    now = timezone.now()
    visible = ArticleFactory(
        status=Article.Status.PUBLISHED, published_at=now - timedelta(minutes=1)
    )
    due = ArticleFactory(status=Article.Status.SCHEDULED, published_at=now - timedelta(seconds=1))
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(status=Article.Status.REVIEW, published_at=None)
    ArticleFactory(status=Article.Status.UNPUBLISHED, published_at=now - timedelta(days=1))
    ArticleFactory(status=Article.Status.SCHEDULED, published_at=now + timedelta(minutes=1))
    ArticleFactory(status=Article.Status.PUBLISHED, published_at=now + timedelta(hours=1))
    assert set(Article.objects.visible()) == {visible, due}


def test_a_scheduled_article_appears_at_seven_without_any_job_running(client):
    seven = datetime(2025, 5, 9, 7, 0, tzinfo=AMS)
    with time_machine.travel(seven - timedelta(hours=10), tick=False):
        article = ArticleFactory(status=Article.Status.SCHEDULED, published_at=seven)
    url = article.get_absolute_url()
    with time_machine.travel(seven - timedelta(seconds=1), tick=False):
        assert client.get(url).status_code == 404
        assert not article.is_visible
    with time_machine.travel(seven, tick=False):
        assert client.get(url).status_code == 200
        assert article.is_visible


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.UNPUBLISHED]
)
def test_readers_get_404_for_articles_that_are_not_out(client, status):
    article = ArticleFactory(status=status, published_at=timezone.now() - timedelta(days=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    home = client.get("/").content.decode()
    assert article.headline not in home
