"""The newsletter benchmark's own pieces: a sink that counts right and a check that can fail."""

import os
import smtplib

import pytest

from benchmarks.mailsink import Counts, Sink, recipient_checksum
from benchmarks.newsletter_raw import send_raw
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory
from tests.worker_process import free_port

MESSAGE = b"Subject: test\r\n\r\nHallo.\r\n"


@pytest.fixture(scope="module")
def sink():
    with Sink(free_port()) as sink:
        yield sink


def send(port: int, recipients: list[str]) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for recipient in recipients:
            smtp.sendmail("nieuwsbrief@kopij.test", [recipient], MESSAGE)


def test_the_sink_runs_in_its_own_process_and_counts_what_arrived(sink):
    sink.reset(3)
    send(sink.port, ["a@x.test", "b@x.test", "a@x.test"])
    counts = sink.counts()
    assert sink.pid != os.getpid()
    assert (counts.messages, counts.distinct, counts.duplicates()) == (3, 2, 1)
    assert counts.bytes == 3 * len(MESSAGE)


def test_a_reset_starts_a_new_count(sink):
    send(sink.port, ["a@x.test"])
    sink.reset(1)
    assert sink.counts().messages == 0


def test_missed_recipients_are_found_by_number_and_by_who_they_are(sink):
    sink.reset(2)
    send(sink.port, ["a@x.test", "b@x.test"])
    counts = sink.counts()
    assert counts.missed(expected=2, checksum=recipient_checksum(["b@x.test", "a@x.test"])) == 0
    three = recipient_checksum(["a@x.test", "b@x.test", "c@x.test"])
    assert counts.missed(expected=3, checksum=three) == 1
    # As many recipients as expected, but not the expected ones.
    assert counts.missed(expected=2, checksum=recipient_checksum(["a@x.test", "c@x.test"])) == 1


def test_the_rate_of_each_tenth_comes_from_the_sinks_marks():
    counts = Counts(
        messages=20,
        bytes=0,
        distinct=20,
        checksum=0,
        first_at=100.5,
        last_at=110.0,
        marks=[2 * tenth for tenth in range(1, 11)],
        mark_times=[100.0 + tenth for tenth in range(1, 11)],
    )
    assert counts.tenth_rates(started_at=100.0) == [2.0] * 10


@pytest.mark.django_db
def test_the_raw_baseline_sends_every_subscriber_the_engines_bytes_once(sink):
    edition = EditionFactory(articles=[ArticleFactory()])
    subscribers = SubscriberFactory.create_batch(3)
    sink.reset(3)
    send_raw(edition, port=sink.port, count=3, batch_size=2)
    counts = sink.counts()
    everyone = recipient_checksum(subscriber.email for subscriber in subscribers)
    assert (counts.duplicates(), counts.missed(expected=3, checksum=everyone)) == (0, 0)
    assert counts.bytes > 3 * 3000
