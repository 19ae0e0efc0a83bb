"""What happens to a task message around its run: counted at its start, set aside when it
cannot be processed or keeps killing its worker (see the package docstring)."""

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import SetAsideTask, TaskRun

logger = logging.getLogger(__name__)


def task_run_start(*, task_id: str, task: str) -> int:
    """Count one more start of the message `task_id`; returns its starts without an end.

    The first start inserts the row; a row already there was left by a worker that
    died in this message, and is counted up with one conditional UPDATE.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            TaskRun.objects.create(task_id=task_id, task=task, first_started_at=now)
        return 1
    except IntegrityError:
        TaskRun.objects.filter(task_id=task_id).update(starts=F("starts") + 1, last_started_at=now)
        return TaskRun.objects.filter(task_id=task_id).values_list("starts", flat=True).get()


def task_run_end(*, task_id: str) -> None:
    """The message ended (success, failure, retry or set aside): its worker survived it."""
    TaskRun.objects.filter(task_id=task_id).delete()


def _json(value: Any, empty):
    """Arguments as stored: thin tasks take ids, anything else is kept as text."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)[:500]
    return value if value is not None else empty


def task_set_aside(
    *,
    task: str,
    task_id: str,
    args: Any,
    kwargs: Any,
    reason: str,
    error: str,
    starts: int,
) -> SetAsideTask:
    """Record a message that will not be run again by itself, and say so in the log."""
    entry = SetAsideTask.objects.create(
        task=task,
        task_id=task_id or "",
        args=_json(list(args or ()), []),
        kwargs=_json(dict(kwargs or {}), {}),
        reason=reason,
        error=error[:500],
        starts=starts,
    )
    logger.error("Task %s[%s] set aside (%s): %s", task, task_id, reason, error)
    return entry


def task_runs_forget(*, now: datetime | None = None) -> int:
    """Drop counters of messages that never came back (lost with a broker); returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.JOBS_FORGET_RUNS_AFTER_DAYS)
    deleted, _ = TaskRun.objects.filter(last_started_at__lt=cutoff).delete()
    return deleted
