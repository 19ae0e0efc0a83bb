"""The send: the SMTP engine behind an edition.

The send works on one Delivery row per (edition, subscriber). A batch is claimed
with a conditional UPDATE (queued → sending), sent over one SMTP connection and
recorded (sent / failed / queued again for a retry), so a duplicated or retried
task, or a second worker, never sends a delivery twice.

An unreachable mail server is not the recipients' fault: see `outage` (the edition
waits as a whole; deliveries keep their attempts).

Crash policy (the sweeper): a batch is marked sent only after its SMTP
conversation, so a worker that dies mid-batch leaves that batch "sending".
Rows "sending" for longer than NEWSLETTER_SWEEP_AFTER_MINUTES are queued
again. Those recipients (at most one batch per crashed worker) may get the
edition twice; nobody misses it.
"""

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q
from django.utils import timezone

from newsroom.outbox import enqueue_on_commit

from .. import tasks
from ..mail import (
    BatchMessages,
    delivery_message_id,
    edition_message,
    render_edition_for_batch,
)
from ..models import Delivery, Edition, Subscriber
from . import outage

logger = logging.getLogger(__name__)


@dataclass
class BatchOutcome:
    sent: list[Delivery] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)
    retry: list[Delivery] = field(default_factory=list)
    # Not sent because the server could not be reached: given back, no attempt spent.
    unreachable: list[Delivery] = field(default_factory=list)
    server_error: str = ""


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.NEWSLETTER_RETRY_SECONDS * 2 ** (attempts - 1), 3600))


def deliveries_snapshot(*, edition_id: int) -> int:
    """One queued Delivery per receiving subscriber, in one INSERT … SELECT; returns the count.

    A million rows take seconds this way, minutes through Python. Rows that exist
    already (a second call) are left alone.
    """
    receiving, params = (
        Subscriber.objects.receiving().order_by().values_list("pk").query.sql_with_params()
    )
    deliveries, subscribers = Delivery._meta.db_table, Subscriber._meta.db_table
    sql = (
        f"INSERT INTO {deliveries} (edition_id, subscriber_id, status, attempts, error) "  # noqa: S608
        f"SELECT %s, id, %s, 0, '' FROM {subscribers} WHERE id IN ({receiving}) ORDER BY id "
        "ON CONFLICT (edition_id, subscriber_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [edition_id, Delivery.Status.QUEUED, *params])
        count = cursor.rowcount
        if connection.vendor == "postgresql":
            # Until autovacuum gets round to it the planner believes the new edition
            # has no rows, and sorts all of them for every claim (seconds at a million).
            cursor.execute(f"ANALYZE {deliveries}, {subscribers}")
    return count


def queue_batches(*, edition_id: int) -> None:
    """Start NEWSLETTER_SEND_CHAINS chains of batch tasks for the edition (outbox, on commit).

    Each chain claims its own batches, so as many worker processes send at once;
    when one chain finds nothing left to claim it ends and the last one finishes.
    """
    for _chain in range(settings.NEWSLETTER_SEND_CHAINS):
        enqueue_on_commit(tasks.send_edition_batch, edition_id)


def _claim_batch(edition_id: int, size: int) -> uuid.UUID | None:
    """Mark up to `size` due deliveries as ours (queued → sending) with one conditional UPDATE."""
    batch = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        # Two statements: PostgreSQL may run a LIMIT … FOR UPDATE subquery of an
        # UPDATE more than once and claim more than `size` rows. SKIP LOCKED lets
        # concurrent claimers take different rows instead of waiting on each other.
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(edition_id=edition_id, status=Delivery.Status.QUEUED)
            .filter(subscriber__in=Subscriber.objects.receiving())
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            # The order of delivery_queued_idx, which holds only queued rows: this
            # costs the same at the end of a send of a million as at its start.
            .order_by("retry_at", "pk")
            .values_list("pk", flat=True)[:size]
        )
        claimed = Delivery.objects.filter(pk__in=due, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SENDING, batch=batch, claimed_at=now, attempts=F("attempts") + 1
        )
    return batch if claimed else None


def _deliver(deliveries: list[Delivery], rendered) -> BatchOutcome:
    """Send a claimed batch over one SMTP connection; classify each result."""
    outcome = BatchOutcome()
    batch_messages = BatchMessages(rendered)
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        # Refused, timed out, TLS or login failed: nothing about any recipient.
        outcome.unreachable, outcome.server_error = deliveries, outage.describe(exc)
        return outcome
    # The SMTP backend's smtplib connection takes prepared bytes; other backends
    # (console, files, tests' locmem) get ordinary EmailMessages.
    smtp = getattr(connection, "connection", None)
    if not isinstance(smtp, smtplib.SMTP):
        smtp = None
    try:
        for index, delivery in enumerate(deliveries):
            email = delivery.subscriber.email
            message_id = delivery_message_id(delivery_id=delivery.pk, batch=delivery.batch)
            data = smtp and batch_messages.message_bytes(
                to=email, subscriber_id=delivery.subscriber_id, message_id=message_id
            )
            try:
                if data:
                    smtp.sendmail(sender, [email], data)
                else:
                    message = edition_message(
                        rendered,
                        to=email,
                        subscriber_id=delivery.subscriber_id,
                        message_id=message_id,
                        connection=connection,
                    )
                    connection.send_messages([message])
            except (smtplib.SMTPException, OSError) as exc:
                if outage.is_connection_failure(exc):
                    # The server is gone: this one and the rest of the batch wait for it.
                    outcome.unreachable.extend(deliveries[index:])
                    outcome.server_error = outage.describe(exc)
                    break
                code = outage.smtp_code(exc)
                delivery.error = f"{code}: {exc}"[:500]
                if code is not None and code >= 500:
                    outcome.failed.append(delivery)
                else:
                    outcome.retry.append(delivery)
            else:
                outcome.sent.append(delivery)
    finally:
        connection.close()
    return outcome


def _record(outcome: BatchOutcome) -> None:
    """One UPDATE for the sent rows; failures and retries (rare) row by row."""
    now = timezone.now()
    with transaction.atomic():
        if outcome.unreachable:
            outage.deliveries_give_back(deliveries=outcome.unreachable, error=outcome.server_error)
        Delivery.objects.filter(pk__in=[d.pk for d in outcome.sent]).update(
            status=Delivery.Status.SENT, sent_at=now, error=""
        )
        for delivery in outcome.failed:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, error=delivery.error
            )
        for delivery in outcome.retry:
            if delivery.attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
                changes = {"status": Delivery.Status.FAILED}
            else:
                retry_at = now + _retry_delay(delivery.attempts)
                changes = {"status": Delivery.Status.QUEUED, "retry_at": retry_at, "batch": None}
            Delivery.objects.filter(pk=delivery.pk).update(error=delivery.error, **changes)
        bounced = [delivery.subscriber_id for delivery in outcome.failed]
        if bounced:
            Subscriber.objects.filter(pk__in=bounced).update(bounce_count=F("bounce_count") + 1)
            Subscriber.objects.filter(
                pk__in=bounced,
                status=Subscriber.Status.CONFIRMED,
                bounce_count__gte=settings.NEWSLETTER_BOUNCE_THRESHOLD,
            ).update(status=Subscriber.Status.SUPPRESSED)


def _finish_or_wait(edition_id: int) -> float | None:
    """Nothing claimable: wait for retries, leave an in-flight batch alone, or finish."""
    pending = Delivery.objects.filter(
        edition_id=edition_id,
        status=Delivery.Status.QUEUED,
        subscriber__in=Subscriber.objects.receiving(),
    ).aggregate(count=Count("pk"), next_retry=Min("retry_at"))
    if pending["count"]:
        # Claimed by a concurrent batch a moment ago, or waiting for a retry.
        next_retry = pending["next_retry"] or timezone.now()
        return max(1.0, (next_retry - timezone.now()).total_seconds())
    in_flight = Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.SENDING)
    if in_flight.exists():
        # Its own task finishes the edition, or the sweeper requeues it after a crash.
        return None
    with transaction.atomic():
        Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SKIPPED
        )
        Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).update(
            status=Edition.Status.SENT, sent_at=timezone.now()
        )
    return None


def edition_send_batch(*, edition_id: int) -> float | None:
    """Send the next batch of an edition that is sending.

    Returns the seconds after which the next batch should run, or None when this
    chain of batches is done (edition sent, paused or gone).
    """
    edition = Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).first()
    if edition is None:
        return None
    waiting = outage.outage_wait_seconds(edition=edition)
    if waiting is not None:
        return waiting  # another chain found the mail server away a moment ago
    batch = _claim_batch(edition_id, settings.NEWSLETTER_BATCH_SIZE)
    if batch is None:
        return _finish_or_wait(edition_id)
    deliveries = list(
        Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.SENDING, batch=batch)
        .select_related("subscriber")
        .order_by("pk")
    )
    outcome = _deliver(deliveries, render_edition_for_batch(edition))
    _record(outcome)
    if outcome.unreachable:
        # Back off as a whole instead of hammering the server batch after batch.
        return outage.edition_server_unreachable(edition=edition, error=outcome.server_error)
    outage.edition_server_reachable(edition=edition)
    return 0.0


def deliveries_sweep(*, now: datetime | None = None) -> int:
    """Queue again deliveries stuck in "sending" after a crash and restart stalled sends.

    Returns the number of deliveries queued again. See the module docstring for the policy.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.NEWSLETTER_SWEEP_AFTER_MINUTES)
    stuck = Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=cutoff)
    due = Delivery.objects.filter(status=Delivery.Status.QUEUED).filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    )
    with transaction.atomic():
        stuck.filter(attempts__gte=settings.NEWSLETTER_MAX_ATTEMPTS).update(
            status=Delivery.Status.FAILED, error="gave up: interrupted too often"
        )
        interrupted = set(stuck.values_list("edition_id", flat=True).distinct())
        requeued = stuck.update(
            status=Delivery.Status.QUEUED,
            batch=None,
            retry_at=None,
            error="queued again by the sweeper: sending was interrupted",
        )
        # Sends whose chain of batch tasks died too (no claim for a while, work due).
        stalled = (
            Edition.objects.filter(status=Edition.Status.SENDING)
            # Waiting for its mail server: its chain tries again by itself.
            .exclude(outage_until__gt=now)
            .annotate(last_claim=Max("deliveries__claimed_at"))
            .filter(Q(last_claim__isnull=True) | Q(last_claim__lt=cutoff))
            .filter(Exists(due.filter(edition=OuterRef("pk"))))
            .values_list("pk", flat=True)
        )
        restart = Edition.objects.filter(
            pk__in=interrupted | set(stalled), status=Edition.Status.SENDING
        ).values_list("pk", flat=True)
        for edition_id in restart:
            enqueue_on_commit(tasks.send_edition_batch, edition_id)
    if requeued:
        logger.warning("Sweeper queued %d interrupted deliveries again", requeued)
    return requeued
