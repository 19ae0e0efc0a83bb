from celery import shared_task
from django.conf import settings

from . import purging

PURGE_MAX_RETRIES = 6


@shared_task(bind=True, max_retries=PURGE_MAX_RETRIES, acks_late=True, ignore_result=True)
def send_purge(self, purge_id: int, wait_seconds: float = 0, again: bool = False) -> None:
    """Purge one recorded set of tags from every Varnish node; retried with backoff.

    `wait_seconds`: first wait that long (a purge repeated once other processes have
    caught up); `again` then also replaces the page cache's version.
    """
    if wait_seconds:
        raise self.retry(args=(purge_id, 0, True), countdown=wait_seconds)
    if again:
        purging.bump_content_version()
    try:
        purging.purge_send(purge_id=purge_id)
    except purging.PurgeError as exc:
        if self.request.retries >= self.max_retries:
            purging.purge_give_up(purge_id=purge_id)
            return
        # 1, 2, 4 … 32 s by default: a restarting Varnish node is back within the retries.
        countdown = settings.CACHE_PURGE_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown) from exc
