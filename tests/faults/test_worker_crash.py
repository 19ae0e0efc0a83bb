"""The crash test: a real worker process is SIGKILLed in the middle of a batch.

Unlike test_worker.py's simulated crash, nothing here is staged in the database:
`celery -A newsroom worker` runs as a child process against a private broker
and the test database, sends into a real SMTP server, and is killed with SIGKILL
by that server the moment it has accepted the n-th message, before the worker
hears the 250. A new worker process and the sweeper must then finish the send
within the documented policy (newsletters.services.sending): nobody misses the edition,
and at most the batch in flight gets it twice.
"""

import asyncio
import os
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.policy import SYSTEM
from newsletters import tasks
from newsletters.mail import delivery_message_id
from newsletters.models import Delivery
from newsletters.services import editions
from tests.conftest import SmtpSink, serving_smtp
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory
from tests.newsletters.test_worker import edition_sent, wait_for

SUBSCRIBERS = 60
BATCH_SIZE = 10
SWEEP_AFTER_SECONDS = 3
# Each message takes the SMTP server this long, as a real one would.
SMTP_DELAY_SECONDS = 0.02


pytestmark = [pytest.mark.faults, pytest.mark.crash]


class CrashingSink(SmtpSink):
    """A slow real SMTP server that SIGKILLs the sending worker when the n-th message is in.

    The n-th message is accepted (a real server would deliver it) but the worker
    dies before it hears the 250: the most uncertain moment a crash can have.
    """

    def __init__(self, *, crash_at: int):
        super().__init__()
        self.crash_at = crash_at
        self.worker_pid: int | None = None
        self.peers: list[tuple] = []
        self.crashed_peer: tuple | None = None

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SMTP_DELAY_SECONDS)
        self.envelopes.append(envelope)
        self.peers.append(session.peer)
        if len(self.envelopes) == self.crash_at and self.worker_pid:
            self.crashed_peer = session.peer
            os.kill(self.worker_pid, signal.SIGKILL)
        return "250 Message accepted for delivery"

    def recipients(self, *, peer=None) -> list[str]:
        return [
            to
            for envelope, envelope_peer in zip(self.envelopes, self.peers, strict=True)
            if peer is None or envelope_peer == peer
            for to in envelope.rcpt_tos
        ]


@pytest.fixture
def crashing_sink(settings, crash_at):
    with serving_smtp(CrashingSink(crash_at=crash_at), settings) as sink:
        yield sink


@pytest.mark.parametrize(
    "crash_at",
    [
        # The fifth message of the third batch: two batches recorded as sent, one in flight.
        pytest.param(25, id="in-the-middle-of-a-batch"),
        # The last message of the third batch is in; the worker dies before it records
        # the batch: the policy's worst case, the whole batch twice.
        pytest.param(30, id="after-a-whole-batch-before-recording-it"),
    ],
)
def test_a_worker_killed_mid_batch_costs_at_most_that_batch_twice_and_nobody_misses_the_edition(
    celery_app, crashing_sink, worker_processes, worker_env, figures, crash_at
):
    edition = EditionFactory(articles=[ArticleFactory(headline="Dijk houdt stand")])
    subscribers = SubscriberFactory.create_batch(SUBSCRIBERS)
    env = worker_env(
        NEWSLETTER_BATCH_SIZE=str(BATCH_SIZE),
        NEWSLETTER_SWEEP_AFTER_MINUTES=str(SWEEP_AFTER_SECONDS / 60),
    )

    first = worker_processes(env)
    crashing_sink.worker_pid = first.pid
    editions.edition_start_send(edition=edition, by=SYSTEM)
    assert first.wait(timeout=20) == -signal.SIGKILL

    # The crash left exactly one batch "sending"; the batches before it were recorded.
    in_flight = list(edition.deliveries.filter(status=Delivery.Status.SENDING))
    assert len(in_flight) == BATCH_SIZE
    recorded = edition.deliveries.filter(status=Delivery.Status.SENT).count()
    batches_recorded = (crash_at - 1) // BATCH_SIZE
    assert recorded == batches_recorded * BATCH_SIZE
    (crashed_batch,) = {delivery.batch for delivery in in_flight}

    recovering = time.monotonic()
    worker_processes(env)
    # Beat runs the sweeper every few minutes; it takes claims older than the threshold.
    claimed_at = max(delivery.claimed_at for delivery in in_flight)
    sleep_until(claimed_at + timedelta(seconds=SWEEP_AFTER_SECONDS, milliseconds=200))
    tasks.sweep_stuck_deliveries.delay()
    wait_for(lambda: edition_sent(edition), timeout=20)
    figures.recovery_seconds = time.monotonic() - recovering
    figures.notes.append(f"SIGKILL at message {crash_at}, sweep after {SWEEP_AFTER_SECONDS} s")

    deliveries = list(edition.deliveries.select_related("subscriber"))
    assert {delivery.status for delivery in deliveries} == {Delivery.Status.SENT}
    # Only the batch in flight was claimed twice: once by the killed worker, once after the sweep.
    assert Counter(delivery.attempts for delivery in deliveries) == {
        1: SUBSCRIBERS - BATCH_SIZE,
        2: BATCH_SIZE,
    }
    received = figures.count_mails(crashing_sink.recipients(), expected=SUBSCRIBERS)
    assert set(received) == {subscriber.email for subscriber in subscribers}
    # The doubles are exactly what the killed connection got through: part of one batch.
    doubles = sorted(email for email, count in received.items() if count == 2)
    assert doubles == sorted(crashing_sink.recipients(peer=crashing_sink.crashed_peer))
    assert max(received.values()) == 2
    assert len(doubles) == crash_at - batches_recorded * BATCH_SIZE <= BATCH_SIZE
    # The rows agree with the sink: one copy per row under the Message-ID of its last
    # batch, plus the copies the killed worker got out under the crashed batch's.
    final_ids = {
        delivery_message_id(delivery_id=delivery.pk, batch=delivery.batch)
        for delivery in deliveries
    }
    crashed_ids = {
        delivery_message_id(delivery_id=delivery.pk, batch=crashed_batch)
        for delivery in deliveries
        if delivery.subscriber.email in doubles
    }
    received_ids = Counter(message["Message-ID"] for message in crashing_sink.messages)
    assert received_ids == Counter(final_ids | crashed_ids)
    assert len(crashing_sink.envelopes) == SUBSCRIBERS + len(doubles)


def sleep_until(moment) -> None:
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))
