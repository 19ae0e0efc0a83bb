from celery import shared_task
from django.conf import settings

from . import purging

PURGE_MAX_RETRIES = 6


@shared_task(bind=True, max_retries=PURGE_MAX_RETRIES, acks_late=True, ignore_result=True)
def send_purge(self, purge_id: int) -> None:
    """Purge one recorded set of tags from every Varnish node; retried with backoff."""
    try:
        purging.purge_send(purge_id=purge_id)
    except purging.PurgeError as exc:
        if self.request.retries >= self.max_retries:
            purging.purge_give_up(purge_id=purge_id)
            return
        # 1, 2, 4 … 32 s by default: a restarting Varnish node is back within the retries.
        countdown = settings.CACHE_PURGE_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown) from exc
