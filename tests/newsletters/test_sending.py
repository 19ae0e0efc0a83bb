from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from articles.policy import SYSTEM
from newsletters.models import Delivery, Edition, Subscriber
from newsletters.services import editions, sending
from newsletters.services.subscribers import subscriber_unsubscribe
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory, save_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    return EditionFactory(articles=[ArticleFactory(headline="Dijken worden verhoogd")])


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a send without running its first batch (tests drive the batches themselves)."""

    def run(edition):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            count = editions.edition_start_send(edition=edition, by=SYSTEM)
        assert len(callbacks) == 2  # the first batch and the archive's purge, on commit
        return count

    return run


def send_all(edition, *, limit=50) -> int:
    """Run batches as the task chain would, without waiting; returns the batches run."""
    for run in range(1, limit):
        if sending.edition_send_batch(edition_id=edition.pk) is None:
            return run
    raise AssertionError("the send never finished")


def statuses(edition) -> Counter:
    return Counter(edition.deliveries.values_list("status", flat=True))


class TestStartingASend:
    def test_it_snapshots_confirmed_subscribers_once_each(self, edition, start):
        SubscriberFactory.create_batch(3)
        SubscriberFactory(status="pending")
        SubscriberFactory(status="unsubscribed")
        assert start(edition) == 3
        edition.refresh_from_db()
        assert edition.status == "sending" and edition.send_started_at is not None
        assert statuses(edition) == {"queued": 3}

    def test_starting_twice_is_refused_and_adds_no_deliveries(self, edition, start):
        SubscriberFactory.create_batch(2)
        start(edition)
        with pytest.raises(editions.EditionNotSendable):
            editions.edition_start_send(edition=edition, by=SYSTEM)
        assert edition.deliveries.count() == 2

    def test_an_unpublished_article_blocks_the_send_with_a_clear_message(self, edition):
        SubscriberFactory()
        Article.objects.filter(editions=edition).update(status=Article.Status.UNPUBLISHED)
        with pytest.raises(editions.EditionNotSendable, match="Niet meer gepubliceerd"):
            editions.edition_start_send(edition=edition, by=SYSTEM)
        edition.refresh_from_db()
        assert edition.status == "scheduled"
        assert "Dijken worden verhoogd" in edition.notice
        assert not Delivery.objects.exists()

    def test_signups_confirmed_during_the_send_do_not_get_this_edition(
        self, edition, start, mail_server
    ):
        SubscriberFactory(email="eerst@voorbeeld.nl")
        start(edition)
        SubscriberFactory(email="later@voorbeeld.nl")
        send_all(edition)
        assert mail_server.recipients() == ["eerst@voorbeeld.nl"]


class TestBatches:
    def test_every_subscriber_gets_the_edition_once_one_connection_per_batch(
        self, edition, start, mail_server
    ):
        subscribers = SubscriberFactory.create_batch(5)
        start(edition)
        send_all(edition)
        assert sorted(mail_server.recipients()) == sorted(s.email for s in subscribers)
        assert mail_server.connections == 3  # 5 deliveries in batches of 2
        edition.refresh_from_db()
        assert edition.status == "sent" and edition.sent_at is not None
        assert statuses(edition) == {"sent": 5}
        delivery = edition.deliveries.get(subscriber__email=mail_server.messages[0]["To"])
        expected = f"<{delivery.batch.hex}.{delivery.pk}.nieuwsbrief@testserver>"
        assert mail_server.messages[0]["Message-ID"] == expected

    def test_a_subject_stored_with_control_characters_goes_out_on_one_clean_line(
        self, edition, start, mail_server
    ):
        # Stored before the check (newsroom.headers): it must not stop the send.
        Edition.objects.filter(pk=edition.pk).update(subject="Test\vnaar\u2028mij")
        SubscriberFactory.create_batch(3)
        start(edition)
        send_all(edition)
        for envelope in mail_server.envelopes:
            assert b"\r\nSubject: Test naar mij\r\n" in envelope.original_content
        assert statuses(edition) == {"sent": 3}

    def test_claims_never_overlap(self, edition, start):
        SubscriberFactory.create_batch(3)
        start(edition)
        first = sending._claim_batch(edition.pk, 2)
        second = sending._claim_batch(edition.pk, 2)
        third = sending._claim_batch(edition.pk, 2)
        assert third is None
        batches = Counter(edition.deliveries.values_list("batch", flat=True))
        assert batches == {first: 2, second: 1}

    def test_unsubscribes_during_the_send_are_honoured_by_later_batches(
        self, edition, start, mail_server
    ):
        subscribers = SubscriberFactory.create_batch(4)
        start(edition)
        sending.edition_send_batch(edition_id=edition.pk)
        subscriber_unsubscribe(subscriber=subscribers[3])
        send_all(edition)
        assert subscribers[3].email not in mail_server.recipients()
        assert len(mail_server.recipients()) == 3
        assert statuses(edition) == {"sent": 3, "skipped": 1}

    def test_a_corrected_article_goes_out_with_its_current_text(self, edition, start, mail_server):
        SubscriberFactory()
        start(edition)
        article = edition.items.get().article
        article.headline = "Dijken worden flink verhoogd"
        save_change(article)
        send_all(edition)
        text = mail_server.messages[0].get_body(("plain",)).get_content()
        assert "Dijken worden flink verhoogd" in text

    def test_pause_stops_between_batches_and_resume_finishes(
        self, edition, start, mail_server, django_capture_on_commit_callbacks
    ):
        SubscriberFactory.create_batch(4)
        start(edition)
        sending.edition_send_batch(edition_id=edition.pk)
        assert editions.edition_pause(edition=edition, by=SYSTEM)
        assert sending.edition_send_batch(edition_id=edition.pk) is None
        assert len(mail_server.envelopes) == 2
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert editions.edition_resume(edition=edition, by=SYSTEM)
        assert len(callbacks) == 1
        send_all(edition)
        assert len(mail_server.envelopes) == 4


class TestSmtpErrors:
    def test_a_permanent_error_fails_the_delivery_and_suppresses_after_the_threshold(
        self, edition, start, mail_server, settings
    ):
        settings.NEWSLETTER_BOUNCE_THRESHOLD = 2
        bouncer = SubscriberFactory(email="weg@voorbeeld.nl", bounce_count=1)
        SubscriberFactory(email="goed@voorbeeld.nl")
        mail_server.refuse["weg@voorbeeld.nl"] = "550 5.1.1 No such user"
        start(edition)
        send_all(edition)
        assert mail_server.recipients() == ["goed@voorbeeld.nl"]
        failed = edition.deliveries.get(subscriber=bouncer)
        assert failed.status == "failed" and failed.error.startswith("550")
        bouncer.refresh_from_db()
        assert (bouncer.bounce_count, bouncer.status) == (2, "suppressed")

    def test_a_transient_error_is_retried_later_and_then_delivered(
        self, edition, start, mail_server, settings
    ):
        settings.NEWSLETTER_RETRY_SECONDS = 60
        SubscriberFactory(email="vol@voorbeeld.nl")
        mail_server.refuse["vol@voorbeeld.nl"] = "452 4.2.2 Mailbox full"
        start(edition)
        assert sending.edition_send_batch(edition_id=edition.pk) == 0
        delivery = edition.deliveries.get()
        assert delivery.status == "queued" and delivery.retry_at > timezone.now()
        wait = sending.edition_send_batch(edition_id=edition.pk)
        assert 50 < wait <= 60  # nothing is due yet: the chain waits for the retry
        del mail_server.refuse["vol@voorbeeld.nl"]
        with time_machine.travel(timezone.now() + timedelta(seconds=61)):
            send_all(edition)
        assert mail_server.recipients() == ["vol@voorbeeld.nl"]
        assert edition.deliveries.get().attempts == 2


class TestSweeper:
    def test_a_crashed_batch_is_queued_again_and_nothing_is_lost(
        self, edition, start, mail_server, django_capture_on_commit_callbacks
    ):
        """A worker died mid-batch: its rows stay "sending" with an old claim time."""
        subscribers = SubscriberFactory.create_batch(5)
        start(edition)
        sending.edition_send_batch(edition_id=edition.pk)  # batch 1 sent
        with time_machine.travel(timezone.now() - timedelta(minutes=30)):
            crashed = sending._claim_batch(edition.pk, 2)  # batch 2 claimed, never sent
        assert sending.edition_send_batch(edition_id=edition.pk) == 0  # batch 3 sent
        assert sending.edition_send_batch(edition_id=edition.pk) is None  # waits: in flight
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert sending.deliveries_sweep() == 2
        assert len(callbacks) == 1  # the stalled send is restarted
        assert not edition.deliveries.filter(batch=crashed).exists()
        send_all(edition)
        assert sorted(mail_server.recipients()) == sorted(s.email for s in subscribers)
        edition.refresh_from_db()
        assert edition.status == "sent"

    def test_a_batch_still_within_the_grace_period_is_left_alone(self, edition, start):
        SubscriberFactory.create_batch(2)
        start(edition)
        sending._claim_batch(edition.pk, 2)
        assert sending.deliveries_sweep() == 0
        assert statuses(edition) == {"sending": 2}


class TestScheduledSend:
    def test_due_editions_start_and_held_or_future_ones_do_not(self):
        SubscriberFactory()
        now = timezone.now()
        due = EditionFactory(scheduled_at=now - timedelta(minutes=1), articles=[ArticleFactory()])
        held = EditionFactory(
            scheduled_at=now - timedelta(minutes=1), status="held", articles=[ArticleFactory()]
        )
        later = EditionFactory(scheduled_at=now + timedelta(hours=1), articles=[ArticleFactory()])
        assert editions.editions_send_due() == [due.pk]
        assert Edition.objects.get(pk=held.pk).status == "held"
        assert Edition.objects.get(pk=later.pk).status == "scheduled"

    def test_a_due_edition_that_fails_the_check_is_held_with_the_reason(self):
        article = ArticleFactory(headline="Teruggetrokken bericht")
        edition = EditionFactory(scheduled_at=timezone.now(), articles=[article])
        Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
        assert editions.editions_send_due() == []
        edition.refresh_from_db()
        assert edition.status == "held"
        assert "Teruggetrokken bericht" in edition.notice


def test_a_batch_costs_the_same_queries_whatever_its_size(
    edition, start, mail_server, settings, django_assert_num_queries
):
    settings.NEWSLETTER_BATCH_SIZE = 10
    queries = [
        "the edition",
        "savepoint of the claim",
        "claim: the ids of the next queued deliveries",
        "claim: queued -> sending, in one UPDATE",
        "release of the claim's savepoint",
        "the claimed deliveries with their subscribers",
        "the edition's items with their visible articles and sections",
        "their authors (prefetched)",
        "savepoint of the record",
        "record: sending -> sent, in one UPDATE",
        "release of the record's savepoint",
    ]
    for size in (2, 6):
        Subscriber.objects.all().delete()
        Edition.objects.filter(pk=edition.pk).update(status="scheduled")
        SubscriberFactory.create_batch(size)
        edition.deliveries.all().delete()
        start(edition)
        with django_assert_num_queries(len(queries)):
            sending.edition_send_batch(edition_id=edition.pk)
