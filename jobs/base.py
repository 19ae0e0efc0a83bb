"""The project's Celery task class: every task fails as an ordinary, recorded failure.

Set as the Celery app's `task_cls` (newsroom.celery), so every `@shared_task` is a Job.
Celery itself treats a MemoryError in a task as unrecoverable and stops the worker;
with late acknowledgement the message then comes back and stops the next worker too.
"""

from celery import Task
from PIL import Image as PillowImage
from PIL import UnidentifiedImageError


class Unprocessable(Exception):
    """A message whose content can never be processed: running it again cannot help."""


# Raised by a message, not by the moment: set aside at once, never retried.
UNPROCESSABLE = (
    MemoryError,
    PillowImage.DecompressionBombError,
    UnidentifiedImageError,
    Unprocessable,
)


class Job(Task):
    # An `autoretry_for` (say OSError, of which UnidentifiedImageError is one) must not
    # retry what can never succeed.
    dont_autoretry_for = UNPROCESSABLE

    def __call__(self, *args, **kwargs):
        request = self.request
        if request.called_directly:
            return super().__call__(*args, **kwargs)
        from django.conf import settings

        from . import services
        from .models import SetAsideTask

        # Run in process (eager) a message cannot come back after a crash: nothing to count.
        counted = bool(request.id) and not request.is_eager
        starts = services.task_run_start(task_id=request.id, task=self.name) if counted else 1
        try:
            if starts > settings.JOBS_MAX_STARTS:
                self._set_aside(
                    args, kwargs, reason=SetAsideTask.Reason.CRASHED, starts=starts,
                    error=f"started {starts} times; its worker died each time before it ended",
                )  # fmt: skip
                return None
            try:
                return super().__call__(*args, **kwargs)
            except UNPROCESSABLE as exc:
                self._set_aside(
                    args, kwargs, reason=SetAsideTask.Reason.FAILED, starts=starts,
                    error=f"{type(exc).__name__}: {exc}",
                )  # fmt: skip
                # Done with, as far as the queue is concerned (the outbox forgets it too).
                return None
        finally:
            if counted:
                services.task_run_end(task_id=request.id)

    def _set_aside(self, args, kwargs, **details) -> None:
        from . import services

        services.task_set_aside(
            task=self.name, task_id=self.request.id, args=args, kwargs=kwargs, **details
        )
