"""One outbox for background work: record first, then ask the broker.

`enqueue_on_commit(task, *args)` stores an OutboxTask row in the caller's
transaction. Once that commits, the task is handed to the broker with one quick
try (short connect timeout, no publish retries). A broker error is logged and
never reaches the caller: the row stays, and the sweep (beat, every minute)
hands it over again. The worker deletes the row when the task succeeds, so a
task that was lost in the broker, or failed for good, is handed over again
after OUTBOX_REQUEUE_AFTER_MINUTES.

A task may therefore run more than once (the first hand-over and the sweep's
can both reach a worker). Every task queued this way must be idempotent: what
it sends is claimed with a conditional UPDATE first.
"""

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxTask

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"
# After a broker error this process leaves hand-overs to the sweep for a while, so
# that an outage costs readers no time (and no timing tells one address from another).
BROKER_PAUSE_SECONDS = 10.0
_paused_until = 0.0


def enqueue_on_commit(task: Task, *args: Any) -> OutboxTask:
    """Record `task(*args)` in the current transaction; ask the broker once it commits.

    Arguments must be JSON: ids and short strings, as thin tasks take.
    """
    row = OutboxTask.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: hand_over(row, task))
    return row


def hand_over(row: OutboxTask, task: Task, *, by_sweep: bool = False) -> bool:
    """Give the broker the task of an outbox row; False (logged, never raised) if it failed."""
    global _paused_until
    if not by_sweep and time.monotonic() < _paused_until:
        return False
    try:
        task.apply_async(row.args, task_id=f"{TASK_ID_PREFIX}{row.pk}", retry=False)
    except Exception as exc:
        if task.app.conf.task_always_eager:
            # Run in process (make run): the task failed, not a broker.
            logger.exception("Task %s failed; the outbox sweep runs it again", row)
        else:
            _paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning("Broker unavailable; %s waits in the outbox: %s", row, exc)
        OutboxTask.objects.filter(pk=row.pk).update(error=str(exc)[:500])
        return False
    _paused_until = 0.0
    OutboxTask.objects.filter(pk=row.pk).update(
        published_at=timezone.now(), attempts=F("attempts") + 1
    )
    return True


def forget_done_task(sender: Task | None = None, **kwargs: Any) -> None:
    """Celery's task_success: a task queued through the outbox is done, its row goes."""
    task_id = getattr(getattr(sender, "request", None), "id", None) or ""
    if task_id.startswith(TASK_ID_PREFIX) and task_id[len(TASK_ID_PREFIX) :].isdigit():
        OutboxTask.objects.filter(pk=int(task_id[len(TASK_ID_PREFIX) :])).delete()


def outbox_due(*, now: datetime):
    """Rows to hand over again: never taken by the broker, or taken and not done for long."""
    never = now - timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS)
    lost = now - timedelta(minutes=settings.OUTBOX_REQUEUE_AFTER_MINUTES)
    return (
        OutboxTask.objects.filter(attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
        .filter(Q(published_at__isnull=True, created_at__lt=never) | Q(published_at__lt=lost))
        .order_by("created_at")
    )


def outbox_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand over again what the broker did not take or no worker finished; returns how many."""
    from .celery import app

    now = now or timezone.now()
    queued = 0
    for row in outbox_due(now=now)[:limit]:
        task = app.tasks.get(row.task)  # a worker has imported every app's tasks
        if task is None:
            logger.error("Outbox row %s names no known task; left alone", row.pk)
            OutboxTask.objects.filter(pk=row.pk).update(attempts=settings.OUTBOX_MAX_ATTEMPTS)
            continue
        # The claim: of two sweeps only one moves published_at on from what it read.
        if not OutboxTask.objects.filter(pk=row.pk, published_at=row.published_at).update(
            published_at=now
        ):
            continue
        if not hand_over(row, task, by_sweep=True):
            OutboxTask.objects.filter(pk=row.pk, published_at=now).update(
                published_at=row.published_at
            )
            break  # the broker is still down: the next sweep tries again
        queued += 1
        if row.attempts + 1 >= settings.OUTBOX_MAX_ATTEMPTS:
            logger.error(
                "%s handed over %d times; the sweep gives up after this", row, row.attempts + 1
            )
    if queued:
        logger.warning("Outbox sweep handed %d tasks to the broker again", queued)
    return queued
