from celery import shared_task

from . import services
from .images import Image
from .imaging import image_make_renditions


@shared_task(ignore_result=True)
def publish_due_articles() -> int:
    """Run by beat every minute; returns how many articles it published."""
    return len(services.articles_publish_due())


@shared_task(ignore_result=True)
def expire_front_page() -> int:
    """Run by beat every minute; returns how many pins ended."""
    return services.frontpage_expire_due()


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, retry_kwargs={"max_retries": 5}, acks_late=True
)
def make_image_renditions(image_id: int) -> None:
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return  # deleted before its turn came
    image_make_renditions(image=image)
