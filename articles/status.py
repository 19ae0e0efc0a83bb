"""The life of an article, spelled once: its statuses and which of them readers may see."""

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEW = "review", _("ready for review")
    SCHEDULED = "scheduled", _("scheduled")
    PUBLISHED = "published", _("published")
    UNPUBLISHED = "unpublished", _("unpublished")

    @classmethod
    def reader_visible(cls) -> list[str]:
        """Statuses readers may see, once the publication time has come."""
        return [cls.SCHEDULED, cls.PUBLISHED]

    @classmethod
    def publishing(cls) -> list[str]:
        """Statuses only an editor who may publish can set: going out or coming back in."""
        return [*cls.reader_visible(), cls.UNPUBLISHED]


def visibility(at: datetime) -> dict[str, object]:
    """The reader-visibility rule, as field lookups: the one place it lives.

    Querysets filter on them; an article checks its own fields against them (`satisfies`).
    Scheduled articles become visible at their time without any job having to run.
    """
    return {"status__in": ArticleStatus.reader_visible(), "published_at__lte": at}


_CHECKS = {
    "in": lambda value, wanted: value in wanted,
    "lte": lambda value, wanted: value is not None and value <= wanted,
}


def satisfies(instance, lookups: dict[str, object]) -> bool:
    """Whether `instance`'s fields meet `lookups` (the operators the rules above use)."""
    checks = ([*key.split("__"), wanted] for key, wanted in lookups.items())
    return all(_CHECKS[op](getattr(instance, field), wanted) for field, op, wanted in checks)
