from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def publish_due_articles() -> int:
    """Run by beat every minute; returns how many articles it published."""
    return len(services.articles_publish_due())
