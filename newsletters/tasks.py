"""Thin Celery tasks: each takes ids and calls a service (newsletters.services.*)."""

import smtplib

from celery import shared_task

from articles.policy import SYSTEM

from .services import editions, sending, subscribers


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=6,
)
def send_confirmation(consent_id: int) -> bool:
    return subscribers.consent_send_confirmation(consent_id=consent_id)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=6,
)
def send_welcome(subscriber_id: int) -> bool:
    return subscribers.subscriber_send_welcome(subscriber_id=subscriber_id)


@shared_task(bind=True)
def send_edition_batch(self, edition_id: int) -> None:
    # Each batch queues the next one, so a send is a chain of short tasks that a
    # pause stops between batches; a duplicated chain only claims other rows.
    next_in = sending.edition_send_batch(edition_id=edition_id)
    if next_in is None or (next_in > 0 and self.request.is_eager):
        # Run eagerly (make run) a countdown is not honoured: leave waits to the sweeper.
        return
    send_edition_batch.apply_async((edition_id,), countdown=next_in)


@shared_task
def assemble_edition() -> int | None:
    edition = editions.edition_assemble(by=SYSTEM)
    return edition.pk if edition else None


@shared_task
def send_due_editions() -> list[int]:
    return editions.editions_send_due()


@shared_task
def sweep_stuck_deliveries() -> int:
    return sending.deliveries_sweep()


@shared_task
def purge_unconfirmed_signups() -> int:
    return subscribers.purge_unconfirmed_signups()
