"""Front-page changes reach readers at once: the home page and the article are purged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import FrontPageSlot
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("edge")]


def test_pinning_replacing_and_unpinning_purge_home_and_both_articles(change):
    editor = UserFactory(role="Eindredacteur")
    first, second = ArticleFactory(), ArticleFactory()
    tags = change(lambda: services.frontpage_pin(article=first, position=0, by=editor))
    assert tags == {"home", f"article-{first.pk}"}
    tags = change(lambda: services.frontpage_pin(article=second, position=0, by=editor))
    assert tags == {"home", f"article-{first.pk}", f"article-{second.pk}"}
    slot = FrontPageSlot.objects.get()
    assert change(lambda: services.frontpage_unpin(slot=slot, by=editor)) == {
        "home",
        f"article-{second.pk}",
    }


def test_an_expired_pin_is_purged_by_the_beat_job(change):
    article = ArticleFactory()
    FrontPageSlot.objects.create(
        article=article, position=0, expires_at=timezone.now() - timedelta(minutes=1)
    )
    FrontPageSlot.objects.create(
        article=ArticleFactory(), position=1, expires_at=timezone.now() + timedelta(hours=1)
    )
    assert change(services.frontpage_expire_due) == {"home", f"article-{article.pk}"}
    assert list(FrontPageSlot.objects.values_list("position", flat=True)) == [1]
    assert change(services.frontpage_expire_due) == set()


def test_the_cached_home_page_shows_a_new_lead_at_once(client, change):
    editor = UserFactory(role="Eindredacteur")
    ArticleFactory(headline="Het nieuwste bericht")
    older = ArticleFactory(
        headline="Donaulanden sluiten akkoord", published_at=timezone.now() - timedelta(days=1)
    )
    assert "Het nieuwste bericht" in client.get("/").content.decode().split("teaser--lead")[1][:800]
    change(lambda: services.frontpage_pin(article=older, position=0, by=editor, breaking=True))
    lead = client.get("/").content.decode().split("teaser--lead")[1][:800]
    assert "Donaulanden sluiten akkoord" in lead and "Net binnen" in lead
