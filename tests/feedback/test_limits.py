import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from feedback.models import TypoReport, Vote
from feedback.views import READER_COOKIE
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_moment():
    """The clock stands still: limits count in fixed windows (django-ratelimit), and a test
    that crossed a window's edge would start counting again halfway."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def vote(reader_post, article, **kwargs):
    return reader_post(
        reverse("feedback:vote", args=[article.pk]),
        {"useful": "yes", "revision": 1},
        **kwargs,
    )


def report(reader_post, article, **kwargs):
    return reader_post(
        reverse("feedback:typo_report", args=[article.pk]),
        {"quote": "trein", "revision": 1},
        **kwargs,
    )


def test_the_eleventh_vote_in_a_minute_is_429_in_dutch(reader_post, article):
    assert [vote(reader_post, article).status_code for _ in range(10)] == [303] * 10
    response = vote(reader_post, article)
    assert response.status_code == 429
    assert "U hebt dit formulier te vaak verstuurd" in response.content.decode()


def test_with_script_a_flood_gets_a_429_with_the_message(reader_post, article):
    for _ in range(10):
        vote(reader_post, article, json=True)
    response = vote(reader_post, article, json=True)
    assert response.status_code == 429
    assert response.json()["error"].startswith("U hebt dit formulier te vaak verstuurd")


def test_the_sixth_report_in_ten_minutes_is_429_and_not_stored(reader_post, article):
    for _ in range(5):
        assert report(reader_post, article).status_code == 303
    assert report(reader_post, article).status_code == 429
    assert TypoReport.objects.count() == 5


def test_limits_are_per_client(reader_post, article):
    for _ in range(10):
        vote(reader_post, article)
    assert vote(reader_post, article, REMOTE_ADDR="10.0.0.9").status_code == 303


def test_the_forms_keep_working_when_the_cache_is_down(reader_post, article, dead_cache):
    for _ in range(12):
        assert vote(reader_post, article).status_code == 303
    assert report(reader_post, article).status_code == 303
    assert Vote.objects.count() == 1
    assert TypoReport.objects.count() == 1


def test_behind_the_proxy_readers_are_told_apart_by_the_forwarded_address(
    reader_post, article, settings
):
    settings.RATELIMIT_IP_META_KEY = "newsroom.ratelimits.forwarded_client_ip"
    for _ in range(10):
        vote(reader_post, article, HTTP_X_FORWARDED_FOR="203.0.113.7")
    spoofed = vote(reader_post, article, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    other = vote(reader_post, article, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert (spoofed.status_code, other.status_code) == (429, 303)


def cookie_less_vote(client, reader_post, article, **kwargs):
    """A vote from a client that keeps no cookies: each one a new reader to the site."""
    client.cookies.clear()
    return vote(reader_post, article, **kwargs)


def test_cookie_less_votes_count_three_readers_per_article_and_client_then_429(
    client, reader_post, article
):
    codes = [cookie_less_vote(client, reader_post, article).status_code for _ in range(11)]
    assert codes == [303] * 3 + [429] * 8
    assert Vote.objects.filter(article=article).count() == 3


def test_the_cookie_less_limit_is_per_article_and_per_client(client, reader_post, article):
    for _ in range(3):
        cookie_less_vote(client, reader_post, article)
    other_article = ArticleFactory()
    assert cookie_less_vote(client, reader_post, other_article).status_code == 303
    assert cookie_less_vote(client, reader_post, article, REMOTE_ADDR="10.0.0.9").status_code == 303
    assert Vote.objects.count() == 5


def test_a_reader_with_the_cookie_may_still_change_their_vote(client, reader_post, article):
    known = vote(reader_post, article).cookies[READER_COOKIE].value
    for _ in range(3):
        cookie_less_vote(client, reader_post, article)
    client.cookies[READER_COOKIE] = known
    response = reader_post(
        reverse("feedback:vote", args=[article.pk]), {"useful": "no", "revision": 1}
    )
    assert response.status_code == 303
    assert Vote.objects.filter(useful=False).count() == 1
