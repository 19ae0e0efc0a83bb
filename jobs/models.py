from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskRun(models.Model):
    """A task message being run: the row lives from its start until it ends, however it ends.

    A row that is still there when the same message starts again was left by a worker
    that died in it (the message comes back because tasks are acknowledged late), so
    `starts` counts the deliveries that killed a worker, plus the current one.
    """

    task_id = models.CharField(max_length=255, unique=True)
    task = models.CharField(max_length=200)
    starts = models.PositiveSmallIntegerField(default=1)
    first_started_at = models.DateTimeField(default=timezone.now)
    last_started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The daily clean-up of rows left by messages that never came back.
            models.Index(fields=["last_started_at"], name="taskrun_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task}[{self.task_id}]"


class SetAsideTask(models.Model):
    """A task message that will not be run again by itself: what it was and why it stopped."""

    class Reason(models.TextChoices):
        FAILED = "failed", _("its content cannot be processed")
        CRASHED = "crashed", _("its worker died each time")

    task = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=255)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    error = models.CharField(_("error"), max_length=500, blank=True)
    starts = models.PositiveSmallIntegerField(_("starts"), default=1)
    created_at = models.DateTimeField(_("set aside at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("set-aside task")
        verbose_name_plural = _("set-aside tasks")

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
