"""Writes to articles, one function per editorial action; see each module."""

from .frontpage import frontpage_expire_due, frontpage_pin, frontpage_unpin, pin_problem
from .photos import image_change, released_articles_showing
from .previews import (
    PREVIEW_SALT,
    Preview,
    article_preview,
    preview_from_token,
    preview_token,
)
from .restore import Restored, corrections_after, revision_restore
from .workflow import (
    PUBLISH_DUE_JOB,
    StaleEdit,
    article_create,
    article_publish,
    article_save,
    article_schedule,
    article_submit,
    article_unpublish,
    articles_publish_due,
    changes_since,
    publication_status,
    publish_job_is_late,
)

__all__ = [
    "PREVIEW_SALT",
    "PUBLISH_DUE_JOB",
    "Preview",
    "Restored",
    "StaleEdit",
    "article_create",
    "article_preview",
    "article_publish",
    "article_save",
    "article_schedule",
    "article_submit",
    "article_unpublish",
    "articles_publish_due",
    "changes_since",
    "corrections_after",
    "frontpage_expire_due",
    "frontpage_pin",
    "frontpage_unpin",
    "image_change",
    "pin_problem",
    "preview_from_token",
    "preview_token",
    "publication_status",
    "publish_job_is_late",
    "released_articles_showing",
    "revision_restore",
]
