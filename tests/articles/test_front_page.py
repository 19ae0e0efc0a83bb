"""Front-page curation: pinned lead and top places, breaking news, expiry, refusals."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from articles import services
from articles.listings import home_latest
from articles.models import Article, FrontPageSlot
from articles.roles import EINDREDACTEUR, VERSLAGGEVER
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/articles/frontpageslot/add/"


def hours_ago(hours: float):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def eva(roles):
    return UserFactory(username="eva", role=EINDREDACTEUR)


@pytest.fixture
def editor(client, eva):
    client.force_login(eva)
    return client


@pytest.fixture
def news():
    """Four stories, newest first: a, b, c, d."""
    return [ArticleFactory(headline=h, published_at=hours_ago(n)) for n, h in enumerate("abcd", 1)]


def pin_form(article, **overrides):
    return {"position": "0", "article": str(article.pk), "expires_at_0": "", "expires_at_1": ""} | {
        key: str(value) for key, value in overrides.items()
    }


class TestTheHomePage:
    def test_without_pins_it_shows_the_newest(self, news):
        assert home_latest()[:4] == news

    def test_the_pinned_lead_comes_first_and_the_newest_fill_the_rest(self, news, eva):
        services.frontpage_pin(article=news[3], position=0, by=eva)
        assert home_latest()[:4] == [news[3], news[0], news[1], news[2]]

    def test_a_pinned_top_place_keeps_its_place(self, news, eva):
        services.frontpage_pin(article=news[2], position=1, by=eva)
        assert home_latest()[:4] == [news[0], news[2], news[1], news[3]]

    def test_an_expired_pin_or_an_unpublished_story_gives_its_place_back(self, news, eva):
        FrontPageSlot.objects.create(article=news[3], position=0, expires_at=hours_ago(0.1))
        services.frontpage_pin(article=news[2], position=1, by=eva)
        Article.objects.filter(pk=news[2].pk).update(status=Article.Status.UNPUBLISHED)
        assert home_latest()[:3] == [news[0], news[1], news[3]]

    def test_breaking_news_is_labelled_on_home_and_on_the_article(self, client, news, eva):
        services.frontpage_pin(article=news[1], position=0, by=eva, breaking=True)
        home = client.get("/").content.decode()
        assert home.count("Net binnen") == 1
        assert "Net binnen" in client.get(news[1].get_absolute_url()).content.decode()
        assert "Net binnen" not in client.get(news[0].get_absolute_url()).content.decode()


class TestPinning:
    def test_an_editor_pins_a_lead_in_the_admin(self, editor, news):
        response = editor.post(ADD, pin_form(news[3], breaking="on"))
        assert response.status_code == 302
        slot = FrontPageSlot.objects.get()
        assert (slot.article, slot.position, slot.breaking) == (news[3], 0, True)
        assert slot.pinned_by.username == "eva"

    def test_a_taken_place_goes_to_the_new_story(self, news, eva):
        services.frontpage_pin(article=news[0], position=0, by=eva)
        services.frontpage_pin(article=news[1], position=0, by=eva)
        assert list(FrontPageSlot.objects.values_list("article", flat=True)) == [news[1].pk]

    def test_a_pinned_story_moves_when_pinned_elsewhere(self, news, eva):
        services.frontpage_pin(article=news[0], position=0, by=eva)
        services.frontpage_pin(article=news[0], position=2, by=eva)
        assert list(FrontPageSlot.objects.values_list("article", "position")) == [(news[0].pk, 2)]

    def test_unpinning_in_the_admin_gives_the_place_back(self, editor, news, eva):
        slot = services.frontpage_pin(article=news[3], position=0, by=eva)
        url = f"/admin/articles/frontpageslot/{slot.pk}/delete/"
        assert editor.get(url).status_code == 200  # the confirmation, nothing deleted
        assert FrontPageSlot.objects.exists()
        assert editor.post(url, {"post": "yes"}).status_code == 302
        assert not FrontPageSlot.objects.exists()


class TestRefusals:
    @pytest.mark.parametrize(
        ("status", "published", "message"),
        [
            ("draft", None, "dit artikel is concept"),
            ("unpublished", hours_ago(2), "dit artikel is teruggetrokken"),
            ("scheduled", timezone.now() + timedelta(hours=3), "ingepland en nog niet verschenen"),
        ],
    )
    def test_an_article_readers_cannot_see_is_refused_in_dutch(
        self, editor, eva, status, published, message
    ):
        article = ArticleFactory(status=status, published_at=published)
        response = editor.post(ADD, pin_form(article))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not FrontPageSlot.objects.exists()
        with pytest.raises(ValidationError):
            services.frontpage_pin(article=article, position=0, by=eva)
        assert not FrontPageSlot.objects.exists()

    def test_an_expiry_in_the_past_is_refused(self, editor, news):
        past = timezone.localtime(hours_ago(1))
        data = pin_form(
            news[0], expires_at_0=past.strftime("%d-%m-%Y"), expires_at_1=past.strftime("%H:%M:%S")
        )
        response = editor.post(ADD, data)
        assert response.status_code == 200
        assert "Het einde van het vastzetten is al voorbij" in response.content.decode()
        assert not FrontPageSlot.objects.exists()

    def test_a_reporters_direct_post_to_pin_is_refused(self, client, news, roles):
        client.force_login(UserFactory(username="victor", role=VERSLAGGEVER))
        response = client.post(ADD, pin_form(news[0]))
        assert response.status_code == 403
        assert "Geen toegang" in response.content.decode()
        assert not FrontPageSlot.objects.exists()
        with pytest.raises(PermissionDenied):
            services.frontpage_pin(article=news[0], position=0, by=UserFactory(role=VERSLAGGEVER))

    def test_a_pin_without_a_csrf_token_is_refused(self, eva, news):
        client = Client(enforce_csrf_checks=True)
        client.force_login(eva)
        assert client.post(ADD, pin_form(news[0])).status_code == 403
        assert not FrontPageSlot.objects.exists()

    def test_a_place_off_the_front_page_is_refused(self, editor, news):
        response = editor.post(ADD, pin_form(news[0], position=7))
        assert response.status_code == 200
        assert not FrontPageSlot.objects.exists()
