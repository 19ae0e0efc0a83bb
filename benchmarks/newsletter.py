"""Benchmark: one newsletter edition through a real Celery worker into a local SMTP sink.

    .venv/bin/python benchmarks/newsletter.py [--subscribers 10000] [--batch-size 500]

Needs a broker (CELERY_BROKER_URL, default redis://127.0.0.1:6379/15, which it empties).
It creates N confirmed subscribers in a throw-away SQLite database (or DATABASE_URL),
starts `celery -A newsroom worker --pool solo` as a child process, sends one edition
into an aiosmtpd sink and prints msgs/s and the worker's peak RSS. Then it sends the
same rendered messages with plain smtplib over one connection to the same sink and
prints the ratio (worker rate / smtplib rate). Targets: ratio >= 0.5; peak RSS at
100,000 subscribers < 1.5 x the peak at 10,000.
"""

import argparse
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.worker_process import (  # noqa: E402  (the project root is on the path now)
    free_port,
    start_worker_process,
    stop_worker_process,
    worker_environment,
)


class CountingSink:
    """Accepts every message and only counts it: the sink must not be the bottleneck."""

    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def peak_rss_mb(pid: int) -> float:
    """The process's high-water mark of resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def configure(args, workdir: Path, smtp_port: int) -> dict[str, str]:
    env = worker_environment(
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"),
        broker_url=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"),
        smtp_port=smtp_port,
        NEWSLETTER_BATCH_SIZE=str(args.batch_size),
    )
    os.environ.update(env)
    return env


def create_data(n: int):
    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Article, Section
    from newsletters.models import Delivery, Edition, EditionItem, Subscriber

    call_command("migrate", verbosity=0)
    Delivery.objects.all().delete()
    Edition.objects.all().delete()
    Subscriber.objects.all().delete()
    section, _ = Section.objects.get_or_create(slug="binnenland", defaults={"name": "Binnenland"})
    articles = [
        Article.objects.create(
            section=section,
            headline=f"Benchmarkbericht nummer {i}",
            slug=f"benchmarkbericht-{i}-{time.time_ns()}",
            lede="Dit is de inleiding van een bericht. Zij telt twee zinnen.",
            body="<p>Tekst.</p>",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for i in range(10)
    ]
    Subscriber.objects.bulk_create(
        (Subscriber(email=f"lezer{i}@benchmark.test", status="confirmed") for i in range(n)),
        batch_size=5000,
    )
    edition = Edition.objects.create(
        week=timezone.localdate(), subject="Benchmark", scheduled_at=timezone.now()
    )
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, article=a, position=i) for i, a in enumerate(articles)
    )
    return edition


def send_with_worker(edition, worker: subprocess.Popen, n: int) -> tuple[float, float]:
    from newsletters.models import Edition
    from newsletters.services import editions

    time.sleep(3)  # let the worker connect to the broker
    started = time.perf_counter()
    editions.edition_start_send(edition=edition)
    while Edition.objects.get(pk=edition.pk).status != Edition.Status.SENT:
        if worker.poll() is not None:
            raise RuntimeError("the worker died")
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    return n / elapsed, peak_rss_mb(worker.pid)


def send_with_smtplib(edition, port: int, batch_size: int) -> float:
    """The same rendered messages, over plain smtplib; only the sending is timed."""
    from newsletters.mail import edition_message, render_edition
    from newsletters.models import Subscriber

    rendered = render_edition(edition)
    recipients = Subscriber.objects.receiving().order_by("pk").values_list("pk", "email")
    elapsed = 0.0
    sent = 0
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        chunk = []
        for subscriber_id, email in recipients.iterator(chunk_size=batch_size):
            message = edition_message(rendered, to=email, subscriber_id=subscriber_id)
            chunk.append((email, message.message().as_bytes(linesep="\r\n")))
            if len(chunk) == batch_size:
                elapsed += _send_chunk(smtp, chunk)
                sent += len(chunk)
                chunk = []
        elapsed += _send_chunk(smtp, chunk)
        sent += len(chunk)
    return sent / elapsed


def _send_chunk(smtp: smtplib.SMTP, chunk) -> float:
    from django.conf import settings

    started = time.perf_counter()
    for email, data in chunk:
        smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [email], data)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory(prefix="kopij-bench-") as workdir:
        env = configure(args, Path(workdir), port)
        import django

        django.setup()
        from newsroom.celery import app

        app.control.purge()
        edition = create_data(args.subscribers)
        worker = start_worker_process(env)
        try:
            worker_rate, peak_mb = send_with_worker(edition, worker, args.subscribers)
        finally:
            stop_worker_process(worker)
        delivered = sink.count
        plain_rate = send_with_smtplib(edition, port, args.batch_size)
    controller.stop()

    print(f"subscribers           {args.subscribers}")
    print(f"delivered by worker   {delivered}")
    print(f"worker                {worker_rate:8.0f} msgs/s")
    print(f"worker peak RSS       {peak_mb:8.1f} MB")
    print(f"plain smtplib         {plain_rate:8.0f} msgs/s")
    print(f"ratio worker/smtplib  {worker_rate / plain_rate:8.2f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
