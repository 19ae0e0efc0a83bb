"""Purges: every reader-visible change replaces the page-cache version and purges its tags.

Callers (the article services, the section and photo saves, the edition send) say what
changed with `content_changed(tags)`. Within a transaction the tags are collected and
sent once, after commit: the page cache version at once, the edge purge as a recorded
`Purge` row that a Celery task delivers to every URL in CACHE_PURGE_URLS, with retries.
Without CACHE_PURGE_URLS nothing is recorded or sent.
"""

import logging
import urllib.request
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import tags
from .models import Purge
from .pagecache import bump_content_version

logger = logging.getLogger(__name__)
PURGE_HEADER = "xkey-purge"
PURGE_TIMEOUT_SECONDS = 5


class PurgeError(OSError):
    """A purge URL did not confirm the purge."""


def content_changed(tags: Iterable[str]) -> None:
    """Purge `tags` everywhere once the current transaction commits."""
    connection = transaction.get_connection()
    flush, pending = connection.__dict__.get("edge_flush", (None, None))
    # One flush per transaction (and savepoint) gathers every change in it; after a commit
    # or a rollback (which drops the callback) a new one starts: rolled-back tags never go.
    level = set(connection.savepoint_ids)
    if not any(sids == level and func is flush for sids, func, *_ in connection.run_on_commit):
        pending = set(tags)
        flush = partial(_flush, pending)
        connection.__dict__["edge_flush"] = (flush, pending)
        # Outside a transaction this runs at once.
        transaction.on_commit(flush)
    else:
        pending.update(tags)


def _flush(tags: set[str]) -> None:
    bump_content_version()
    if settings.CACHE_PURGE_URLS:
        purge = Purge.objects.create(tags=" ".join(sorted(tags)))
        purge_queue(purge=purge)


def purge_queue(*, purge: Purge) -> None:
    from .tasks import send_purge

    try:
        send_purge.delay(purge.pk)
    except Retry:
        pass  # eager Celery (make run) runs the first try in here; the sweep sends it again
    except Exception:
        # The row stays pending; the sweep queues it again.
        logger.warning("Broker unavailable; purge %s left for the sweep", purge.pk, exc_info=True)


def _purge_node(url: str, tags: str) -> None:
    request = urllib.request.Request(url, method="PURGE", headers={PURGE_HEADER: tags})  # noqa: S310
    with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS) as answer:  # noqa: S310
        if answer.status != 200:
            raise PurgeError(f"{url} answered {answer.status}")


def purge_send(*, purge_id: int) -> None:
    """Send one purge to every node that has not confirmed it; PurgeError if any failed."""
    purge = Purge.objects.filter(pk=purge_id).first()
    if purge is None or purge.state == Purge.State.DONE:
        return
    errors = []
    for url in settings.CACHE_PURGE_URLS:
        if url in purge.done_urls:
            continue
        try:
            _purge_node(url, purge.tags)
        except OSError as exc:
            errors.append(f"{url}: {exc}")
        else:
            purge.done_urls.append(url)
    purge.error = "\n".join(errors)
    if not errors:
        purge.state, purge.finished_at = Purge.State.DONE, timezone.now()
    Purge.objects.filter(pk=purge.pk).update(
        done_urls=purge.done_urls,
        error=purge.error,
        state=purge.state,
        finished_at=purge.finished_at,
        attempts=F("attempts") + 1,
    )
    if errors:
        raise PurgeError(purge.error)


def purge_give_up(*, purge_id: int) -> None:
    """After the last retry: the purge stays failed and the admin warns the editors."""
    Purge.objects.filter(pk=purge_id).exclude(state=Purge.State.DONE).update(
        state=Purge.State.FAILED, finished_at=timezone.now()
    )
    logger.error("Cache purge %s failed for good", purge_id)


def article_changed(*, article, old_section_id: int | None = None) -> None:
    """Purge the pages that show `article` (call for visible articles, and on unpublish)."""
    author_ids = [author.pk for author in article.authors.all()]
    content_changed(
        tags.article_change(
            article_id=article.pk,
            section_ids={old_section_id, article.section_id},
            author_ids=author_ids,
        )
    )


def image_changed(*, image) -> None:
    """Purge every reader page of the visible articles that show this photo."""
    from articles.models import Article

    shown_in = Article.objects.visible().filter(Q(lead_image=image) | Q(inline_images__image=image))
    for article in shown_in.distinct().prefetch_related("authors"):
        article_changed(article=article)


def editions_changed(*, edition_id: int) -> None:
    """An edition became public (or changed): the archive and its own page."""
    content_changed({tags.EDITIONS, tags.edition(edition_id)})


SWEEP_AFTER = timedelta(minutes=1)


def purge_sweep() -> int:
    """Queue again the pending purges older than a minute (their enqueue was lost)."""
    stale = Purge.objects.filter(
        state=Purge.State.PENDING, created_at__lt=timezone.now() - SWEEP_AFTER
    )
    for purge in stale:
        purge_queue(purge=purge)
    return len(stale)


def failed_purges_since(*, hours: int = 24) -> int:
    """How many purges failed for good lately: the article list warns editors about them."""
    since = timezone.now() - timedelta(hours=hours)
    return Purge.objects.filter(state=Purge.State.FAILED, created_at__gte=since).count()
