"""Purges: every reader-visible change replaces the page-cache version and purges its tags.

Callers (the article services, the section and photo saves, the edition send) say what
changed with `content_changed(tags)`. Within a transaction the tags are gathered into one
`Purge` row and one outbox task (newsroom.outbox), recorded with the change itself; after
commit the page cache gets a new content version and the task sends the purge to every URL
in CACHE_PURGE_URLS, with retries. Without CACHE_PURGE_URLS nothing is recorded or sent.
"""

import logging
import urllib.request
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from newsroom.outbox import enqueue_on_commit

from . import tags
from .models import Purge
from .pagecache import bump_content_version

logger = logging.getLogger(__name__)
PURGE_HEADER = "xkey-purge"
PURGE_TIMEOUT_SECONDS = 5


class PurgeError(OSError):
    """A purge URL did not confirm the purge."""


def content_changed(tags: Iterable[str]) -> None:
    """Purge `tags` everywhere: recorded in this transaction, sent once it commits."""
    connection = transaction.get_connection()
    bump, pending, purge = connection.__dict__.get("edge_changes", (None, set(), None))
    # One purge per transaction (and savepoint) gathers every change in it; after a commit
    # or a rollback (which drops the callback) a new one starts: rolled-back tags never go.
    level = set(connection.savepoint_ids)
    if any(sids == level and func is bump for sids, func, *_ in connection.run_on_commit):
        pending.update(tags)
        if purge is not None:
            Purge.objects.filter(pk=purge.pk).update(tags=" ".join(sorted(pending)))
        return
    pending, purge = set(tags), None
    if settings.CACHE_PURGE_URLS:
        purge = Purge.objects.create(tags=" ".join(sorted(pending)))
        purge_queue(purge=purge)
    bump = partial(bump_content_version)
    connection.__dict__["edge_changes"] = (bump, pending, purge)
    # Outside a transaction this runs at once.
    transaction.on_commit(bump)


def purge_queue(*, purge: Purge) -> None:
    from .tasks import send_purge

    enqueue_on_commit(send_purge, purge.pk)


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


def article_changed(
    *, article, old_section_id: int | None = None, old_author_ids: list[int] = ()
) -> None:
    """Purge the pages that show `article` (call for visible articles, and on unpublish).

    `old_author_ids`: authors a byline change dropped, whose pages listed the article.
    """
    author_ids = [*(author.pk for author in article.authors.all()), *old_author_ids]
    content_changed(
        tags.article_change(
            article_id=article.pk,
            section_ids={old_section_id, article.section_id},
            author_ids=author_ids,
        )
    )


def navigation_changed(tags: set[str]) -> None:
    """Purge now, and once more when every process has the new navigation.

    Processes keep their copy of the navigation up to CHECK_SECONDS (articles.navigation):
    a page rendered meanwhile by another process would otherwise stay at the edge.
    """
    from articles.navigation import CHECK_SECONDS

    from .tasks import send_purge

    content_changed(tags)
    if settings.CACHE_PURGE_URLS:
        later = Purge.objects.create(tags=" ".join(sorted(tags)))
        enqueue_on_commit(send_purge, later.pk, CHECK_SECONDS + 1)


def schedule_changed() -> None:
    """A scheduled time was set or moved: the page cache's version must end at the new one."""
    transaction.on_commit(bump_content_version)


def image_changed(*, image) -> None:
    """Purge every reader page of the visible articles that show this photo."""
    from articles.models import Article

    for article in Article.objects.visible().showing(image).prefetch_related("authors"):
        article_changed(article=article)


def editions_changed(*, edition_id: int) -> None:
    """An edition became public (or changed): the archive and its own page."""
    content_changed({tags.EDITIONS, tags.edition(edition_id)})


def failed_purges_since(*, hours: int = 24) -> int:
    """How many purges failed for good lately: the article list warns editors about them."""
    since = timezone.now() - timedelta(hours=hours)
    return Purge.objects.filter(state=Purge.State.FAILED, created_at__gte=since).count()
