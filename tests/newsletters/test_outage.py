"""An unreachable mail server: nobody is marked failed, the edition waits and resumes by itself.

Before the fix each refused connection spent an attempt of every delivery in the batch:
after NEWSLETTER_MAX_ATTEMPTS tries the whole batch was `failed` and never got the edition.
"""

import smtplib
import ssl
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.policy import SYSTEM
from newsletters.models import Delivery, Edition
from newsletters.services import editions, outage, sending
from tests.conftest import SmtpSink, serving_smtp
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(settings):
    settings.NEWSLETTER_BATCH_SIZE = 3
    settings.NEWSLETTER_RETRY_SECONDS = 60
    settings.NEWSLETTER_OUTAGE_MAX_SECONDS = 240
    settings.NEWSLETTER_MAX_ATTEMPTS = 2
    return EditionFactory(articles=[ArticleFactory(headline="Dijken worden verhoogd")])


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    def run(edition):
        with django_capture_on_commit_callbacks(execute=False):
            editions.edition_start_send(edition=edition, by=SYSTEM)

    return run


@pytest.fixture
def server_down(settings, closed_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        closed_port,
        False,
    )
    settings.EMAIL_TIMEOUT = 5


def fresh(edition) -> Edition:
    return Edition.objects.get(pk=edition.pk)


def try_after_each_wait(edition, tries: int) -> list[float | None]:
    """Run the batch `tries` times, each at the moment the edition's wait is over."""
    waiting_until = fresh(edition).outage_until
    waits, moment = [], waiting_until + timedelta(seconds=1) if waiting_until else timezone.now()
    for _try in range(tries):
        with time_machine.travel(moment, tick=False):
            waits.append(sending.edition_send_batch(edition_id=edition.pk))
        moment = (fresh(edition).outage_until or moment) + timedelta(seconds=1)
    return waits


def test_a_refused_connection_spends_no_attempt_and_the_edition_waits_doubling_to_a_maximum(
    edition, start, server_down
):
    SubscriberFactory.create_batch(2)
    start(edition)
    # More tries than a delivery has attempts (2).
    assert try_after_each_wait(edition, 6) == [60, 120, 240, 240, 240, 240]
    assert {(d.status, d.attempts) for d in Delivery.objects.all()} == {("queued", 0)}
    assert "mail server unreachable: ConnectionRefusedError" in Delivery.objects.first().error
    current = fresh(edition)
    assert (current.status, current.outage_tries) == ("sending", 6)
    assert "ConnectionRefusedError" in current.outage_error


def test_while_it_waits_another_chain_claims_nothing(edition, start, server_down):
    SubscriberFactory()
    start(edition)
    assert sending.edition_send_batch(edition_id=edition.pk) == 60
    assert 0 < sending.edition_send_batch(edition_id=edition.pk) <= 60
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 0)


def test_the_sweeper_leaves_a_waiting_edition_to_its_chain_and_restarts_it_after_the_wait(
    edition, start, server_down, django_capture_on_commit_callbacks
):
    SubscriberFactory()
    start(edition)
    sending.edition_send_batch(edition_id=edition.pk)
    until = timezone.now() + timedelta(hours=1)
    Edition.objects.filter(pk=edition.pk).update(outage_until=until)
    # Long past the sweep threshold since the last claim, but still waiting for the server.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sending.deliveries_sweep(now=until - timedelta(minutes=1))
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sending.deliveries_sweep(now=until + timedelta(minutes=1))
    assert len(callbacks) == 1  # its chain died meanwhile: started again


def test_when_the_server_is_back_the_send_resumes_by_itself_and_nobody_is_failed(
    edition, start, server_down, settings
):
    subscribers = SubscriberFactory.create_batch(5)
    start(edition)
    try_after_each_wait(edition, 4)
    with serving_smtp(SmtpSink(), settings, port=settings.EMAIL_PORT) as sink:
        waits = try_after_each_wait(edition, 3)
    assert waits == [0, 0, None]  # batches of 3 and 2, then done
    recipients = [to for envelope in sink.envelopes for to in envelope.rcpt_tos]
    assert sorted(recipients) == sorted(s.email for s in subscribers)
    current = fresh(edition)
    assert current.status == "sent"
    assert (current.outage_tries, current.outage_until, current.outage_error) == (0, None, "")
    assert {(d.status, d.attempts) for d in Delivery.objects.all()} == {("sent", 1)}


def test_a_server_gone_mid_batch_keeps_what_it_sent_and_gives_back_the_rest(
    edition, start, mail_server, monkeypatch
):
    SubscriberFactory.create_batch(3)
    start(edition)
    sendmail, calls = smtplib.SMTP.sendmail, []

    def gone_after_one(self, *args, **kwargs):
        calls.append(args)
        if len(calls) > 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return sendmail(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "sendmail", gone_after_one)
    assert sending.edition_send_batch(edition_id=edition.pk) == 60
    rows = sorted((d.status, d.attempts) for d in Delivery.objects.all())
    assert rows == [("queued", 0), ("queued", 0), ("sent", 1)]
    assert len(mail_server.envelopes) == 1


def test_a_421_closing_answer_is_about_the_server_not_the_recipient(edition, start, mail_server):
    SubscriberFactory(email="een@voorbeeld.nl")
    mail_server.refuse["een@voorbeeld.nl"] = "421 4.3.2 Service shutting down"
    start(edition)
    assert sending.edition_send_batch(edition_id=edition.pk) == 60
    assert {(d.status, d.attempts) for d in Delivery.objects.all()} == {("queued", 0)}


@pytest.mark.parametrize(
    ("error", "connection"),
    [
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPResponseException(421, b"closing"), True),
        (smtplib.SMTPRecipientsRefused({"a@b.nl": (452, b"full")}), False),
        (smtplib.SMTPRecipientsRefused({"a@b.nl": (550, b"no such user")}), False),
        (smtplib.SMTPDataError(554, b"spam"), False),
    ],
)
def test_which_errors_are_the_connection(error, connection):
    assert outage.is_connection_failure(error) is connection
