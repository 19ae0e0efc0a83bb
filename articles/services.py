"""Writes to articles: saves that become revisions, restores, publication and preview links."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .diff import FieldDiff, compare
from .models import Article, Author, Change, JobRun, Revision

PREVIEW_SALT = "articles.preview"
PUBLISH_DUE_JOB = "articles.publish_due"
OUT_STATUSES = {Article.Status.SCHEDULED, Article.Status.PUBLISHED, Article.Status.UNPUBLISHED}


class StaleEdit(Exception):
    """Someone else saved the article since this editor opened it."""

    def __init__(self, changes: list[FieldDiff]):
        super().__init__("stale edit")
        self.changes = changes


def changes_since(*, article_id: int, revision_number: int) -> list[FieldDiff]:
    """What was saved after `revision_number`, word by word against the stored version."""
    current = Article.objects.get(pk=article_id)
    seen = current.revisions.filter(number=revision_number).first()
    return compare(seen or Revision(headline="", lede="", body=""), current)


def _check_may_save(*, article: Article, stored: Article | None, by, kind: str) -> None:
    if stored is None and not by.has_perm("articles.add_article"):
        raise PermissionDenied
    if stored is not None and not stored.editable_by(by):
        raise PermissionDenied
    status_changed = stored is None or stored.status != article.status
    if (
        status_changed
        and article.status in OUT_STATUSES
        and not by.has_perm("articles.publish_article")
    ):
        raise PermissionDenied
    if stored is not None and stored.was_out and kind not in Revision.Kind.values:
        raise ValidationError(_("Choose what kind of change this is."), code="kind_required")


@transaction.atomic
def article_save(
    *,
    article: Article,
    by,
    kind: str = "",
    note: str = "",
    expected_revision: int | None = None,
    authors: list[Author] | None = None,
) -> Revision:
    """Save `article` (new or changed) as a new revision by `by`.

    `expected_revision` is the revision the editor started from: if another save came
    in between, nothing is written and StaleEdit says what the other editor changed.
    """
    stored = Article.objects.filter(pk=article.pk).first() if article.pk else None
    _check_may_save(article=article, stored=stored, by=by, kind=kind)
    if stored is not None and expected_revision is not None:
        # A conditional UPDATE claims the row: of two concurrent saves only one matches.
        claimed = Article.objects.filter(pk=article.pk, revision_number=expected_revision).update(
            revision_number=F("revision_number")
        )
        if not claimed:
            raise StaleEdit(changes_since(article_id=article.pk, revision_number=expected_revision))
        article.revision_number = expected_revision
    if stored is None:
        article.created_by = by
    elif authors is not None:
        article.authors.set(authors)
    change = Change(kind=kind if stored is not None and stored.was_out else "", note=note, by=by)
    article.save(change=change)
    revision = article.revisions.get(number=article.revision_number)
    if stored is None and authors:
        article.authors.set(authors)
        revision.author_names = [a.name for a in authors]
        revision.save(update_fields=["author_names"])
    return revision


@transaction.atomic
def revision_restore(*, revision: Revision, by, kind: str = "", note: str = "") -> Revision:
    """Make `revision`'s text the live version again, as a new revision."""
    article = Article.objects.get(pk=revision.article_id)
    revision.apply_to(article)
    note = note or _("Restored revision %(number)s.") % {"number": revision.number}
    return article_save(
        article=article, by=by, kind=kind, note=note, expected_revision=article.revision_number
    )


def articles_publish_due(*, now=None) -> list[int]:
    """Mark scheduled articles whose time has come as published; returns their ids.

    Readers already see them (the visibility rule does not wait for this); this makes
    the status honest and runs what publication sets off.
    """
    now = now or timezone.now()
    published = []
    due = Article.objects.filter(status=Article.Status.SCHEDULED, published_at__lte=now)
    for article_id in due.values_list("pk", flat=True):
        # Claimed per article: a second beat run or a racing editor finds nothing to do.
        claimed = Article.objects.filter(pk=article_id, status=Article.Status.SCHEDULED).update(
            status=Article.Status.PUBLISHED, updated_at=now
        )
        if claimed:
            published.append(article_id)
    JobRun.objects.update_or_create(name=PUBLISH_DUE_JOB, defaults={"last_run_at": now})
    return published


def publish_job_is_late(*, now=None) -> bool:
    """True when the scheduled-publication job has not run in the last five minutes."""
    now = now or timezone.now()
    last = JobRun.objects.filter(name=PUBLISH_DUE_JOB).values_list("last_run_at", flat=True)
    last_run = last.first()
    return last_run is None or now - last_run > timedelta(minutes=5)


def preview_token(*, article: Article, revision: Revision | None = None) -> str:
    """A signed token for a preview link; it expires after PREVIEW_LINK_HOURS."""
    value = {"a": article.pk, "r": revision.number if revision else None}
    return signing.dumps(value, salt=PREVIEW_SALT, compress=True)


def article_from_preview_token(*, token: str) -> Article:
    """The article (or revision of it) a preview token shows.

    Raises signing.BadSignature (also for expired tokens) or Article.DoesNotExist.
    """
    max_age = timedelta(hours=settings.PREVIEW_LINK_HOURS)
    value = signing.loads(token, salt=PREVIEW_SALT, max_age=max_age)
    if not isinstance(value, dict) or not isinstance(value.get("a"), int):
        raise signing.BadSignature("malformed preview token")
    article = Article.objects.for_detail().get(pk=value["a"])
    if value.get("r") is not None:
        revision = article.revisions.select_related("section").get(number=value["r"])
        revision.apply_to(article)
    return article
