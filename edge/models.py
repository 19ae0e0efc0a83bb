from django.db import models
from django.utils.translation import gettext_lazy as _


class Purge(models.Model):
    """One purge of cache tags from every Varnish node, kept so editors can see failures."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    tags = models.TextField(_("tags"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    # The purge URLs (CACHE_PURGE_URLS entries) that confirmed it; a retry skips them.
    done_urls = models.JSONField(_("nodes done"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("cache purge")
        verbose_name_plural = _("cache purges")
        indexes = [
            # The admin warning and the sweep: purges in one state since a given time.
            models.Index(fields=["state", "created_at"], name="purge_state_idx"),
        ]

    def __str__(self) -> str:
        return self.tags
