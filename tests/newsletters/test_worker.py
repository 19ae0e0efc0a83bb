"""The newsletter through a real Celery worker on the configured broker and a real SMTP server."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.policy import SYSTEM
from newsletters import tasks
from newsletters.models import Delivery, Edition
from newsletters.services import editions, sending
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the worker")


def edition_sent(edition) -> bool:
    return Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT


@pytest.fixture
def edition(settings):
    settings.NEWSLETTER_BATCH_SIZE = 3
    return EditionFactory(articles=[ArticleFactory(headline="Storm trekt over het land")])


def test_a_signup_mails_the_confirmation_through_the_worker(celery_worker, mail_server, client):
    client.post(
        "/nieuwsbrief/aanmelden/",
        {"email": "nieuw@voorbeeld.nl"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    wait_for(lambda: len(mail_server.envelopes) == 1)
    (message,) = mail_server.messages
    assert message["To"] == "nieuw@voorbeeld.nl"
    assert "/nieuwsbrief/bevestigen/" in message.get_content()


def test_an_edition_reaches_every_subscriber_once_in_batches(celery_worker, mail_server, edition):
    subscribers = SubscriberFactory.create_batch(10)
    editions.edition_start_send(edition=edition, by=SYSTEM)
    wait_for(lambda: edition_sent(edition))
    assert sorted(mail_server.recipients()) == sorted(s.email for s in subscribers)
    assert mail_server.connections == 4  # 10 deliveries in batches of 3
    assert "Storm trekt over het land" in mail_server.messages[0].get_body(("html",)).get_content()


def test_a_batch_task_enqueued_twice_sends_nothing_twice(celery_worker, mail_server, edition):
    subscribers = SubscriberFactory.create_batch(10)
    editions.edition_start_send(edition=edition, by=SYSTEM)  # queues the first batch on commit
    tasks.send_edition_batch.delay(edition.pk)
    tasks.send_edition_batch.delay(edition.pk)
    wait_for(lambda: edition_sent(edition))
    time.sleep(0.5)  # let the duplicate chains run out
    assert Counter(mail_server.recipients()) == Counter({s.email: 1 for s in subscribers})


def test_after_a_crash_the_sweeper_lets_everyone_have_the_edition_once(
    celery_worker, mail_server, edition, settings
):
    """Simulated: the worker died after claiming a batch and before sending it.

    Its rows stay "sending" with an old claim time; the chain of batch tasks is
    gone. The sweeper queues them again and restarts the send. Had the dead
    worker sent part of its batch, those recipients (one batch at most) would
    get the edition twice; here it sent none, so everyone gets it exactly once.
    """
    subscribers = SubscriberFactory.create_batch(10)
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.SENDING, send_started_at=timezone.now()
    )
    Delivery.objects.bulk_create(Delivery(edition=edition, subscriber=s) for s in subscribers)
    crashed = sending._claim_batch(edition.pk, 3)
    Delivery.objects.filter(batch=crashed).update(
        claimed_at=timezone.now() - timedelta(minutes=settings.NEWSLETTER_SWEEP_AFTER_MINUTES + 1)
    )
    tasks.sweep_stuck_deliveries.delay()
    wait_for(lambda: edition_sent(edition))
    assert Counter(mail_server.recipients()) == Counter({s.email: 1 for s in subscribers})
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
