"""The newsletter benchmark's data: many confirmed subscribers and a realistic edition.

Runs inside a configured Django (the benchmark calls django.setup() first).
"""

import io
import sys
import time
from datetime import date, timedelta

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags

DOMAIN = "benchmark.test"
EDITION_ARTICLES = 12
INTRO = (
    "Goedemorgen. Deze week: het Donau-akkoord over scheepvaart bij laagwater, de "
    "woningbouw die achterblijft en de sport van het weekend. Veel leesplezier."
)


def subscriber_email(number: int) -> str:
    return f"lezer{number:07d}@{DOMAIN}"


def progress(done: int, total: int, started: float, label: str) -> None:
    """A one-line progress bar on stderr, redrawn in place."""
    width = 30
    filled = width * done // max(total, 1)
    seconds = time.perf_counter() - started
    sys.stderr.write(
        f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} {seconds:5.0f} s"
    )
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def ensure_subscribers(count: int) -> float:
    """Exactly `count` confirmed benchmark subscribers; returns the seconds spent creating them.

    Refuses a database holding real subscribers: the benchmark empties the newsletter tables.
    """
    from newsletters.models import Subscriber

    if Subscriber.objects.exclude(email__endswith=f"@{DOMAIN}").exists():
        raise SystemExit("This database has real subscribers; give the benchmark a throw-away one.")
    have = Subscriber.objects.receiving().count()
    if have == count and Subscriber.objects.count() == count:
        empty_newsletter_tables(keep_subscribers=True)
        return 0.0
    started = time.perf_counter()
    empty_newsletter_tables()
    if connection.vendor == "postgresql":
        _copy_subscribers(count, started)
    else:
        _insert_subscribers(count, started)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE newsletters_subscriber")
    return time.perf_counter() - started


def empty_newsletter_tables(*, keep_subscribers: bool = False) -> None:
    from newsletters.models import ConsentRecord, Delivery, Edition, EditionItem, Subscriber

    models = [Delivery, EditionItem, Edition]
    if not keep_subscribers:
        models += [ConsentRecord, Subscriber]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(model._meta.db_table for model in models)
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")
        else:
            for model in models:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608  (our tables)


def _copy_subscribers(count: int, started: float) -> None:
    """PostgreSQL: COPY … FROM STDIN, about 100,000 rows a second."""
    from newsletters.models import Subscriber

    now = timezone.now().isoformat()
    step = max(count // 100, 1000)
    sql = (
        f"COPY {Subscriber._meta.db_table} "
        "(email, status, created_at, confirmed_at, bounce_count) FROM STDIN"
    )
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for first in range(0, count, step):
            chunk = io.StringIO()
            for number in range(first, min(first + step, count)):
                chunk.write(f"{subscriber_email(number)}\tconfirmed\t{now}\t{now}\t0\n")
            copy.write(chunk.getvalue())
            progress(min(first + step, count), count, started, "subscribers")


def _insert_subscribers(count: int, started: float) -> None:
    """Elsewhere (SQLite): bulk inserts in one transaction."""
    from newsletters.models import Subscriber

    now = timezone.now()
    step = 5000
    with transaction.atomic():
        for first in range(0, count, step):
            Subscriber.objects.bulk_create(
                Subscriber(
                    email=subscriber_email(number),
                    status=Subscriber.Status.CONFIRMED,
                    confirmed_at=now,
                )
                for number in range(first, min(first + step, count))
            )
            progress(min(first + step, count), count, started, "subscribers")


def edition_articles() -> list:
    """Twelve of the demo articles (headline, lede, byline, link), each with a lead photo."""
    from articles.images import Image
    from articles.models import Article

    call_command("load_demo", stdout=io.StringIO())
    articles = list(
        Article.objects.visible()
        .select_related("lead_image")
        .order_by("-published_at", "pk")[:EDITION_ARTICLES]
    )
    for number, article in enumerate(articles):
        if article.lead_image_id:
            continue
        # Ledes of a newspaper's newsletter run to three or four sentences: the demo's
        # lede and the first paragraph of the body.
        first = strip_tags(article.body.split("</p>")[0])
        article.lede = f"{article.lede} {first}"
        folder = f"renditions/benchmark/{number:02d}"
        image = Image.objects.create(
            file=f"images/benchmark/{article.slug}.jpg",
            width=2400,
            height=1600,
            alt=f"Foto bij: {article.headline}",
            caption=f"{article.lede.split('. ')[0].rstrip('.')}.",
            credit="ANP / Kopij",
            renditions={
                str(width): {"webp": f"{folder}/{width}.webp", "jpeg": f"{folder}/{width}.jpg"}
                for width in (480, 800, 1200, 1600)
            },
        )
        # Benchmark data: set the photo directly, as an upload in the admin would have.
        Article.objects.filter(pk=article.pk).update(lead_image=image, lede=article.lede)
    return articles


def create_edition(serial: int):
    """A new edition (one per run phase; editions are unique per week) of the twelve articles."""
    from newsletters.models import Edition, EditionItem

    articles = edition_articles()
    edition = Edition.objects.create(
        week=date(2000, 1, 3) + timedelta(weeks=serial),
        subject="Kopij nieuwsbrief, week 19: Donau-akkoord, woningbouw en meer",
        intro=INTRO,
        scheduled_at=timezone.now(),
    )
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, article=article, position=position)
        for position, article in enumerate(articles, start=1)
    )
    return edition
