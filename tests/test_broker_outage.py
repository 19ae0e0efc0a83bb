"""A real broker outage: a private redis-server stopped and started again, a real worker.

Readers' forms answer as usual while the broker is down; once it is back, the beat
sweep (run through the worker, as beat would) hands the recorded work over and the
worker sends each mail once.
"""

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.urls import reverse

from feedback.models import TypoReport
from newsletters.models import ConsentRecord
from newsroom import tasks
from newsroom.models import OutboxTask
from tests.factories import ArticleFactory, SubscriberFactory
from tests.worker_process import free_port

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}

REDIS_SERVER, REDIS_CLI = shutil.which("redis-server"), shutil.which("redis-cli")
pytestmark = pytest.mark.skipif(
    not (REDIS_SERVER and REDIS_CLI), reason="needs redis-server for a private broker"
)


class PrivateRedis:
    """A redis-server of our own on a free port (never the machine's 6379)."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        subprocess.run(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "yes", "--dir", str(self.folder),
             "--pidfile", str(self.folder / "redis.pid")],
            check=True,
        )  # fmt: skip
        wait_for(lambda: self._cli("ping") == "PONG", what="redis to start")

    def stop(self):
        self._cli("shutdown", "nosave")
        wait_for(lambda: self._cli("ping") != "PONG", what="redis to stop")

    def _cli(self, *command) -> str:
        done = subprocess.run(
            [REDIS_CLI, "-p", str(self.port), *command], capture_output=True, text=True
        )
        return done.stdout.strip()


def wait_for(condition, *, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def _private_broker(private_redis, settings, monkeypatch):
    settings.CELERY_BROKER_URL = private_redis.url
    # Celery reads the environment first (CI's PostgreSQL run sets it to the shared Redis).
    monkeypatch.setenv("CELERY_BROKER_URL", private_redis.url)
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0
    # The private redis keeps nothing when stopped: what it had taken is lost and the
    # sweep hands it over again (in production after an hour).
    settings.OUTBOX_REQUEUE_AFTER_MINUTES = 0


@pytest.fixture
def celery_app(_private_broker, celery_app):
    return celery_app


@pytest.fixture
def start_worker(celery_app):
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping)
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, pool="solo", shutdown_timeout=10, perform_ping_check=False):
        yield


def sweep_through_the_worker():
    # As beat does: the sweep is itself a task, run by the worker.
    tasks.sweep_outbox.delay()


def test_a_sign_up_while_the_broker_is_down_is_confirmed_by_mail_once_it_is_back(
    client, celery_app, private_redis, request, smtp_server
):
    SubscriberFactory(email="bekend@voorbeeld.nl")
    sign_up = reverse("newsletters:subscribe")
    up = client.post(sign_up, {"email": "eerst@voorbeeld.nl"}, headers=SAME_ORIGIN)
    private_redis.stop()
    down = [
        client.post(sign_up, {"email": email}, headers=SAME_ORIGIN)
        for email in ("lezer@voorbeeld.nl", "bekend@voorbeeld.nl")
    ]
    assert {(r.status_code, r["Location"]) for r in [up, *down]} == {
        (302, "/nieuwsbrief/aangemeld/")
    }
    waiting = OutboxTask.objects.get(published_at=None)
    assert waiting.args == [ConsentRecord.objects.get(subscriber__email="lezer@voorbeeld.nl").pk]

    private_redis.start()
    request.getfixturevalue("start_worker")
    sweep_through_the_worker()
    wait_for(lambda: len(smtp_server.envelopes) == 2, what="both confirmation mails")
    sweep_through_the_worker()
    wait_for(lambda: not OutboxTask.objects.exists(), what="the outbox to empty")
    time.sleep(0.5)
    recipients = sorted(to for envelope in smtp_server.envelopes for to in envelope.rcpt_tos)
    assert recipients == ["eerst@voorbeeld.nl", "lezer@voorbeeld.nl"]
    mail = next(m for m in smtp_server.messages if m["To"] == "lezer@voorbeeld.nl")
    assert "/nieuwsbrief/bevestigen/" in mail.get_body(("plain",)).get_content()


def test_a_typo_report_while_the_broker_is_down_reaches_the_redactie_once_it_is_back(
    client, celery_app, private_redis, request, smtp_server
):
    article = ArticleFactory(body="<p>De minister zei dat de trien vaker gaat rijden.</p>")
    private_redis.stop()
    response = client.post(
        reverse("feedback:typo_report", args=[article.pk]),
        {"quote": "trien", "correction": "trein", "revision": article.revision_number},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 303
    assert response["Location"].endswith("#taalfout-bedankt")
    report = TypoReport.objects.get()
    assert report.mail_status == TypoReport.MailStatus.PENDING

    private_redis.start()
    request.getfixturevalue("start_worker")
    sweep_through_the_worker()
    wait_for(lambda: smtp_server.envelopes, what="the mail to the redactie")
    sweep_through_the_worker()
    wait_for(lambda: not OutboxTask.objects.exists(), what="the outbox to empty")
    time.sleep(0.5)
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["redactie@kopij.test"]
    assert "[[trien]]" in smtp_server.messages[0].get_body(("plain",)).get_content()
    report.refresh_from_db()
    assert report.mail_status == TypoReport.MailStatus.SENT
