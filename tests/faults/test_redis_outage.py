"""Redis stopped: a private redis-server, the broker and the shared cache at once, goes away.

Readers' forms and editors' saves answer as usual while it is down; once it is back,
the beat sweep (run through a real worker, as beat would) hands the recorded work over
and the worker sends each mail once.
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Image
from feedback.models import TypoReport, Vote
from newsletters.models import ConsentRecord, Delivery, Edition
from newsroom import tasks
from newsroom.models import OutboxTask
from tests.articles.test_images import jpeg_bytes
from tests.factories import (
    ArticleFactory,
    EditionFactory,
    SectionFactory,
    SubscriberFactory,
    UserFactory,
)
from tests.faults.services import wait_for

pytestmark = pytest.mark.faults

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def redis(private_redis, celery_app, settings):
    """One redis-server as in production: the broker (db 0) and the shared cache (db 1)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url(1),
        }
    }
    return private_redis


@pytest.fixture
def outage(redis, figures, request):
    """`outage.post(client, path, data)` while Redis is down; `outage.end()` brings it back."""

    class Outage:
        def post(self, client, path, data, **kwargs):
            response = client.post(path, data, **kwargs)
            figures.statuses[response.status_code] += 1
            assert response.status_code < 500, response.content[:500]
            return response

        def end(self, *, done, what: str):
            """Redis back, a worker, the sweep as beat runs it; returns when `done()`."""
            started = time.monotonic()
            redis.start()
            request.getfixturevalue("worker_thread")
            tasks.sweep_outbox.delay()
            wait_for(done, what=what)
            figures.recovery_seconds = time.monotonic() - started
            # The sweep again: what the worker finished is gone, nothing is sent twice.
            tasks.sweep_outbox.delay()
            wait_for(lambda: not OutboxTask.objects.exists(), what="the outbox to empty")
            time.sleep(0.5)

    redis.stop()
    return Outage()


def test_a_sign_up_while_redis_is_down_is_confirmed_by_mail_once_it_is_back(
    client, redis, request, smtp_server, figures
):
    SubscriberFactory(email="bekend@voorbeeld.nl")
    sign_up = reverse("newsletters:subscribe")
    up = client.post(sign_up, {"email": "eerst@voorbeeld.nl"}, headers=SAME_ORIGIN)
    outage = request.getfixturevalue("outage")
    down = [
        outage.post(client, sign_up, {"email": email}, headers=SAME_ORIGIN)
        for email in ("lezer@voorbeeld.nl", "bekend@voorbeeld.nl")
    ]
    assert {(r.status_code, r["Location"]) for r in [up, *down]} == {
        (302, "/nieuwsbrief/aangemeld/")
    }
    waiting = OutboxTask.objects.get(published_at=None)
    assert waiting.args == [ConsentRecord.objects.get(subscriber__email="lezer@voorbeeld.nl").pk]

    outage.end(done=lambda: len(smtp_server.envelopes) == 2, what="both confirmation mails")
    recipients = [to for envelope in smtp_server.envelopes for to in envelope.rcpt_tos]
    received = figures.count_mails(recipients, expected=2)
    assert received == {"eerst@voorbeeld.nl": 1, "lezer@voorbeeld.nl": 1}
    mail = next(m for m in smtp_server.messages if m["To"] == "lezer@voorbeeld.nl")
    assert "/nieuwsbrief/bevestigen/" in mail.get_body(("plain",)).get_content()


def test_a_typo_report_while_redis_is_down_reaches_the_redactie_once_it_is_back(
    client, outage, smtp_server, figures
):
    article = ArticleFactory(body="<p>De minister zei dat de trien vaker gaat rijden.</p>")
    response = outage.post(
        client,
        reverse("feedback:typo_report", args=[article.pk]),
        {"quote": "trien", "correction": "trein", "revision": article.revision_number},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 303
    assert response["Location"].endswith("#taalfout-bedankt")
    report = TypoReport.objects.get()
    assert report.mail_status == TypoReport.MailStatus.PENDING

    outage.end(done=lambda: smtp_server.envelopes, what="the mail to the redactie")
    recipients = [to for envelope in smtp_server.envelopes for to in envelope.rcpt_tos]
    assert figures.count_mails(recipients, expected=1) == {"redactie@kopij.test": 1}
    assert "[[trien]]" in smtp_server.messages[0].get_body(("plain",)).get_content()
    report.refresh_from_db()
    assert report.mail_status == TypoReport.MailStatus.SENT


def test_votes_while_redis_is_down_are_counted_once_per_reader(client, outage, figures):
    article = ArticleFactory()
    vote = reverse("feedback:vote", args=[article.pk])
    for useful in ("yes", "no", "yes"):
        response = outage.post(
            client, vote, {"useful": useful, "revision": article.revision_number},
            headers=SAME_ORIGIN,
        )  # fmt: skip
        assert response.status_code == 303
    # The same reader (their cookie) changed their vote; the rate limit was lifted.
    assert list(Vote.objects.values_list("useful", flat=True)) == [True]


def test_an_editors_saves_while_redis_is_down_go_out_once_it_is_back(
    client, outage, smtp_server, figures
):
    # A superuser: the roles' groups (a data migration) are flushed for transactional tests.
    client.force_login(UserFactory(email="eva@kopij.test", is_superuser=True))
    section = SectionFactory(name="Binnenland", slug="binnenland")
    edition = EditionFactory(articles=[ArticleFactory(headline="Dijk houdt stand")])
    subscribers = {s.email for s in SubscriberFactory.create_batch(3)}

    renamed = outage.post(
        client,
        reverse("admin:articles_section_change", args=[section.pk]),
        {"name": "Binnenland en politiek", "slug": "binnenland", "position": 1, "in_nav": "on"},
    )
    uploaded = outage.post(
        client,
        reverse("admin:articles_image_add"),
        {"file": SimpleUploadedFile("dijk.jpg", jpeg_bytes(900, 600)), "alt": "Dijk",
         "credit": "ANP"},
    )  # fmt: skip
    sent = outage.post(
        client,
        reverse("admin:newsletters_edition_action", args=[edition.pk, "send"]),
        {"confirmed": "yes"},
    )
    assert [renamed.status_code, uploaded.status_code, sent.status_code] == [302, 302, 302]
    section.refresh_from_db()
    assert section.name == "Binnenland en politiek"
    assert Edition.objects.get().status == Edition.Status.SENDING
    assert "Binnenland en politiek" in client.get("/").content.decode()

    outage.end(
        done=lambda: len(smtp_server.envelopes) == 3 and Image.objects.get().renditions,
        what="the edition's mails and the photo's renditions",
    )
    recipients = [to for envelope in smtp_server.envelopes for to in envelope.rcpt_tos]
    assert figures.count_mails(recipients, expected=3) == dict.fromkeys(subscribers, 1)
    wait_for(lambda: Edition.objects.get().status == Edition.Status.SENT, what="the edition")
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
