"""Writes to articles: saves that become revisions, restores, publication and preview links."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from proofing.services import check_publishable

from .diff import FieldDiff, compare
from .models import Article, Author, Change, InlineImage, JobRun, Revision

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
    if article.status in Article.Status.reader_visible():
        # Blocking house-style rules (proofing) refuse publication: PublishBlocked.
        check_publishable(article=article, change_kind=kind, change_note=note)
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
    if stored is None and authors:
        article.authors.set(authors)
        return revision_record_related(article=article)
    return article.revisions.get(number=article.revision_number)


def revision_record_related(*, article: Article) -> Revision:
    """Keep the authors and photos saved after the article row in its newest revision.

    A new article gets its authors, and any article its inline images, only once its row
    is saved; this runs in the same transaction, so the revision is complete when committed.
    """
    revision = article.revisions.get(number=article.revision_number)
    snapshot = article.snapshot()
    revision.authors, revision.images = snapshot["authors"], snapshot["images"]
    revision.save(update_fields=["authors", "images"])
    return revision


@dataclass(frozen=True)
class Restored:
    revision: Revision
    # What the old revision showed that has been deleted since, so could not come back.
    missing_authors: list[str]
    missing_photos: int


@transaction.atomic
def revision_restore(*, revision: Revision, by, kind: str = "", note: str = "") -> Restored:
    """Make `revision`'s text, authors and photos the live version again, as a new revision.

    Revisions saved before photos were kept leave the current photos as they are.
    """
    article = Article.objects.get(pk=revision.article_id)
    revision.apply_to(article)
    authors = revision.existing_authors()
    photos = revision.photos(as_shown=False)
    if photos is not None:
        article.lead_image = photos.lead
        inline = [placement.image for placement in photos.inline]
        visible = article.status in Article.Status.reader_visible()
        if visible and article.images_missing_alt_or_credit(inline_images=inline):
            raise ValidationError(
                _(
                    "A photo of this revision has no alt text or credit any more. Add them to"
                    " the photo before restoring this revision of a published article."
                ),
                code="image_not_publishable",
            )
    note = note or _("Restored revision %(number)s.") % {"number": revision.number}
    saved = article_save(
        article=article,
        by=by,
        kind=kind,
        note=note,
        expected_revision=article.revision_number,
        authors=authors,
    )
    if photos is not None:
        article.inline_images.all().delete()
        for placement in photos.inline:
            placement.article = article
        InlineImage.objects.bulk_create(photos.inline)
        saved = revision_record_related(article=article)
    return Restored(
        revision=saved,
        missing_authors=revision.missing_author_names(authors),
        missing_photos=photos.missing if photos is not None else 0,
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


@dataclass(frozen=True)
class Preview:
    """An article as readers would see it: live, or as one of its revisions was."""

    article: Article
    # Author objects, or a revision's {"id", "name"} entries: the byline only needs names.
    authors: list
    inline_images: list[InlineImage]


def article_preview(*, article: Article, revision: Revision | None = None) -> Preview:
    """What a preview shows; with a revision, its text, byline and photos (not saved)."""
    if revision is None:
        inline = list(article.inline_images.select_related("image"))
        return Preview(article=article, authors=list(article.authors.all()), inline_images=inline)
    revision.apply_to(article)
    photos = revision.photos(as_shown=True)
    if photos is None:
        # Saved before photos were kept: the current photos are the best guess.
        inline = list(article.inline_images.select_related("image"))
    else:
        article.lead_image, inline = photos.lead, photos.inline
    return Preview(article=article, authors=revision.authors, inline_images=inline)


def preview_from_token(*, token: str) -> Preview:
    """What a preview token shows: an article, or a revision of it.

    Raises signing.BadSignature (also for expired tokens), Article.DoesNotExist or
    Revision.DoesNotExist.
    """
    max_age = timedelta(hours=settings.PREVIEW_LINK_HOURS)
    value = signing.loads(token, salt=PREVIEW_SALT, max_age=max_age)
    if not isinstance(value, dict) or not isinstance(value.get("a"), int):
        raise signing.BadSignature("malformed preview token")
    article = Article.objects.for_detail().get(pk=value["a"])
    revision = None
    if value.get("r") is not None:
        revision = article.revisions.select_related("section").get(number=value["r"])
    return article_preview(article=article, revision=revision)
