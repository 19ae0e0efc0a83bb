from celery import shared_task

from .outbox import outbox_sweep


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Run by beat every minute; returns how many tasks it handed to the broker again."""
    return outbox_sweep()
