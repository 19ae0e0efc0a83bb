"""Every reader form answers as usual while the broker, the shared cache or SMTP is down.

The broker is a Redis port nothing listens on, the cache likewise (`dead_cache`), SMTP a
closed port; tasks run in process except while the broker is "down", as in production.
"""

import pytest

from feedback.models import TypoReport, Vote
from newsletters.models import ConsentRecord, Subscriber
from newsletters.tokens import confirm_token, unsubscribe_token
from tests.factories import ArticleFactory, SubscriberFactory
from tests.worker_process import free_port

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture(params=["broker_down", "dead_cache", "smtp_down"])
def outage(request):
    request.getfixturevalue(request.param)
    return request.param


@pytest.fixture
def article(db):
    return ArticleFactory(body="<p>De trien rijdt vaker.</p>")


def post(client, capture, path, data, **kwargs):
    with capture(execute=True):
        return client.post(path, data, headers=SAME_ORIGIN, **kwargs)


def test_a_vote_is_stored_and_thanked(outage, client, article, django_capture_on_commit_callbacks):
    response = post(
        client,
        django_capture_on_commit_callbacks,
        f"/feedback/{article.pk}/",
        {"useful": "yes", "revision": article.revision_number},
    )
    assert response.status_code == 303
    assert Vote.objects.get().useful is True


def test_a_typo_report_is_stored_and_thanked(
    outage, client, article, django_capture_on_commit_callbacks
):
    response = post(
        client,
        django_capture_on_commit_callbacks,
        f"/taalfout/{article.pk}/",
        {"quote": "trien", "correction": "trein", "revision": article.revision_number},
    )
    assert response.status_code == 303
    assert response["Location"].endswith("#taalfout-bedankt")
    assert TypoReport.objects.get().quote == "trien"


def test_a_sign_up_is_recorded_and_answered_with_the_usual_page(
    outage, client, django_capture_on_commit_callbacks
):
    response = post(
        client, django_capture_on_commit_callbacks, "/nieuwsbrief/aanmelden/", {"email": "a@b.nl"}
    )
    assert (response.status_code, response["Location"]) == (302, "/nieuwsbrief/aangemeld/")
    assert ConsentRecord.objects.get().subscriber.email == "a@b.nl"
    assert "Kijk in uw mailbox" in client.get(response["Location"]).content.decode()


def test_a_confirmation_confirms(outage, client, django_capture_on_commit_callbacks):
    consent = ConsentRecord.objects.create(
        subscriber=SubscriberFactory(status="pending"), text_version="1"
    )
    response = post(
        client,
        django_capture_on_commit_callbacks,
        f"/nieuwsbrief/bevestigen/{confirm_token(consent.pk)}/",
        {},
    )
    assert (response.status_code, response["Location"]) == (302, "/nieuwsbrief/bevestigd/")
    assert Subscriber.objects.get().status == "confirmed"


def test_a_one_click_unsubscribe_unsubscribes(outage, client, django_capture_on_commit_callbacks):
    subscriber = SubscriberFactory()
    response = post(
        client,
        django_capture_on_commit_callbacks,
        f"/nieuwsbrief/afmelden/{unsubscribe_token(subscriber.pk)}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
