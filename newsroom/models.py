from django.db import models
from django.utils import timezone


class OutboxTask(models.Model):
    """A Celery task recorded in the transaction of the change that needs it.

    The row lives until the task succeeds; the sweep hands over again what the
    broker did not take or no worker finished (newsroom.outbox).
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    # When the broker last accepted it; None while it still has to be handed over.
    published_at = models.DateTimeField(null=True, blank=True)
    # Hand-overs the broker accepted; the sweep gives up at OUTBOX_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            # The sweep: rows never handed over (published_at IS NULL) or handed over long ago.
            models.Index(fields=["published_at", "created_at"], name="outbox_sweep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
