"""The editorial workflow: create, save, submit, publish, schedule, unpublish.

Each action asks the policy once, then `record` writes the article row, its old URL, byline
and photos and, last, exactly one revision. Everything runs in one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from edge import purging
from proofing.services import check_publishable

from .. import policy
from ..diff import FieldDiff, compare
from ..models import Article, ArticleRedirect, Author, JobRun, Revision
from ..policy import SYSTEM, require

PUBLISH_DUE_JOB = "articles.publish_due"


class StaleEdit(Exception):
    """Someone else saved the article since this editor opened it."""

    def __init__(self, changes: list[FieldDiff]):
        super().__init__("stale edit")
        self.changes = changes


def changes_since(*, article_id: int, revision_number: int) -> list[FieldDiff]:
    """What was saved after `revision_number`, word by word against the stored version."""
    current = Article.objects.get(pk=article_id)
    seen = current.revisions.filter(number=revision_number).first()
    # Articles loaded in bulk (the archive) may lack the revision: its byline is unknown.
    return compare(seen or Revision(headline="", lede="", body="", authors=None), current)


def publication_status(
    *, status: str, published_at: datetime | None, now: datetime
) -> tuple[str, datetime | None]:
    """The time decides: an article sent out with a future time is scheduled, else published."""
    if status not in Article.Status.reader_visible():
        return status, published_at
    published_at = published_at or now
    return (Article.Status.SCHEDULED if published_at > now else Article.Status.PUBLISHED), (
        published_at
    )


@dataclass(frozen=True)
class Change:
    """What an edit is: its kind and notes (once readers have seen the article) and its time.

    Readers see the public note of an update or a correction; never the internal one.
    """

    kind: str = ""
    public_note: str = ""
    internal_note: str = ""
    at: datetime | None = None


def stored_version(article: Article) -> Article | None:
    """The article as the database has it now, or None for a new one."""
    if article.pk is None:
        return None
    return Article.objects.select_related("section").get(pk=article.pk)


def require_change_kind(*, stored: Article | None, kind: str) -> None:
    """Readers have seen it: an edit must say whether it is a typo fix, update or correction."""
    if stored is not None and stored.was_out and kind not in Revision.Kind.values:
        raise ValidationError(_("Choose what kind of change this is."), code="kind_required")


def check_house_rules(article: Article, *, by, kind: str = "", public_note: str = "") -> None:
    """Blocking house-style rules (proofing) refuse what people send out: PublishBlocked.

    The site itself (demo content, test data, the beat job) is not held to them.
    """
    if by is not SYSTEM and article.status in Article.Status.reader_visible():
        check_publishable(article=article, change_kind=kind, change_note=public_note)


def record(
    *,
    article: Article,
    stored: Article | None,
    by,
    change: Change = Change(),
    expected_revision: int | None = None,
    authors: list[Author] | None = None,
    save_related: Callable[[], None] | None = None,
) -> Revision:
    """The one writer of articles; callers have asked the policy. Returns the new revision.

    `stored` is `stored_version(article)`. `expected_revision` is the revision the editor
    started from (default: the stored one): if another save came in between, nothing is
    written and StaleEdit says what the other editor changed. `save_related` saves rows that
    need the article's id (inline photos) before the revision keeps them.
    """
    at = change.at or timezone.now()
    if stored is not None:
        _claim(article, stored=stored, expected_revision=expected_revision)
    elif by is not SYSTEM:
        article.created_by = by
    kind = change.kind if stored is not None and stored.was_out else ""
    # Only an update's or a correction's public note is for readers; any other is internal.
    public_note = change.public_note if kind in Revision.Kind.public() else ""
    internal_note = "\n".join(
        note for note in (change.internal_note, "" if public_note else change.public_note) if note
    )
    article.status, article.published_at = publication_status(
        status=article.status, published_at=article.published_at, now=at
    )
    if kind in Revision.Kind.public():
        article.modified_at = at
    # Append-only: built from the stored notes, so no caller can drop a published correction.
    article.corrections = [*(stored.corrections if stored else [])]
    if kind == Revision.Kind.CORRECTION:
        article.corrections.append({"at": at.isoformat(), "note": public_note})
    article.revision_number = (stored.revision_number if stored else 0) + 1
    article.save()
    _keep_old_url(article, stored=stored)
    # A byline change takes the article off the pages of the authors it drops.
    dropped_authors: list[int] = []
    if authors is not None:
        if stored is not None:
            before = set(article.authors.values_list("pk", flat=True))
            dropped_authors = sorted(before - {author.pk for author in authors})
        article.authors.set(authors)
    if save_related is not None:
        save_related()
    revision = Revision.objects.create(
        article=article,
        number=article.revision_number,
        kind=kind,
        public_note=public_note,
        internal_note=internal_note,
        created_by=None if by is SYSTEM else by,
        created_at=at,
        **article.snapshot(),
    )
    _purge_caches(article, stored=stored, dropped_authors=dropped_authors)
    return revision


def _purge_caches(article: Article, *, stored: Article | None, dropped_authors: list[int]) -> None:
    """Readers saw it or see it now: every page showing it is purged once this commits."""
    if article.is_visible or (stored is not None and stored.is_visible):
        purging.article_changed(
            article=article,
            old_section_id=stored and stored.section_id,
            old_author_ids=dropped_authors,
        )
    elif article.status == Article.Status.SCHEDULED:
        # Not on any page yet, but cached pages must end when it goes live.
        purging.schedule_changed()


def _claim(article: Article, *, stored: Article, expected_revision: int | None) -> None:
    expected = stored.revision_number if expected_revision is None else expected_revision
    # A conditional UPDATE claims the row: of two concurrent saves only one matches.
    claimed = Article.objects.filter(pk=article.pk, revision_number=expected).update(
        revision_number=F("revision_number")
    )
    if not claimed:
        raise StaleEdit(changes_since(article_id=article.pk, revision_number=expected))


def _keep_old_url(article: Article, *, stored: Article | None) -> None:
    if stored is None or (stored.section_id, stored.slug) == (article.section_id, article.slug):
        return
    if article.published_at is not None:
        ArticleRedirect.objects.update_or_create(
            section_slug=stored.section.slug, slug=stored.slug, defaults={"article": article}
        )
    # The current URL always wins over a redirect that pointed elsewhere.
    ArticleRedirect.objects.filter(section_slug=article.section.slug, slug=article.slug).delete()


@transaction.atomic
def article_create(
    *,
    article: Article,
    by,
    authors: list[Author] | None = None,
    at: datetime | None = None,
    save_related: Callable[[], None] | None = None,
) -> Revision:
    """Save a new article (a draft, or sent out straight away by an editor)."""
    require(policy.may_create(by) and policy.may_set_status(by, old=None, new=article.status))
    check_house_rules(article, by=by)
    return record(
        article=article,
        stored=None,
        by=by,
        change=Change(at=at),
        authors=authors,
        save_related=save_related,
    )


@transaction.atomic
def article_save(
    *,
    article: Article,
    by,
    kind: str = "",
    public_note: str = "",
    internal_note: str = "",
    at: datetime | None = None,
    expected_revision: int | None = None,
    authors: list[Author] | None = None,
    save_related: Callable[[], None] | None = None,
) -> Revision:
    """Save an editor's changes to `article`, its status included, as one revision.

    New articles go to `article_create`. A changed status asks the policy too.
    """
    stored = stored_version(article)
    if stored is None:
        return article_create(
            article=article, by=by, authors=authors, at=at, save_related=save_related
        )
    require(
        policy.may_edit(by, stored)
        and policy.may_set_status(by, old=stored.status, new=article.status)
    )
    require_change_kind(stored=stored, kind=kind)
    check_house_rules(article, by=by, kind=kind, public_note=public_note)
    change = Change(kind=kind, public_note=public_note, internal_note=internal_note, at=at)
    return record(
        article=article,
        stored=stored,
        by=by,
        change=change,
        expected_revision=expected_revision,
        authors=authors,
        save_related=save_related,
    )


def _move(article: Article, *, status: str, by, internal_note: str = "") -> Revision:
    """A status change, kept as a revision without a change kind (the text did not change)."""
    stored = stored_version(article)
    article.status = status
    expected = article.revision_number if stored is not None else None
    return record(
        article=article,
        stored=stored,
        by=by,
        change=Change(internal_note=internal_note),
        expected_revision=expected,
    )


@transaction.atomic
def article_submit(*, article: Article, by) -> Revision:
    """A reporter hands in a draft for review."""
    require(policy.may_edit(by, article) and article.status == Article.Status.DRAFT)
    return _move(article, status=Article.Status.REVIEW, by=by)


@transaction.atomic
def article_publish(*, article: Article, by, at: datetime | None = None) -> Revision:
    """Send `article` out at `at` (default: its own time, or now); a future time schedules."""
    require(policy.may_publish(by))
    article.published_at = at or article.published_at
    article.status = Article.Status.PUBLISHED
    check_house_rules(article, by=by)
    return _move(article, status=Article.Status.PUBLISHED, by=by)


@transaction.atomic
def article_schedule(*, article: Article, by, at: datetime) -> Revision:
    """Let `article` appear at the future time `at`."""
    require(policy.may_publish(by))
    if at <= timezone.now():
        raise ValidationError(_("A schedule needs a time in the future."), code="past")
    article.published_at, article.status = at, Article.Status.SCHEDULED
    check_house_rules(article, by=by)
    return _move(article, status=Article.Status.SCHEDULED, by=by)


@transaction.atomic
def article_unpublish(*, article: Article, by, internal_note: str = "") -> Revision:
    """Take `article` away from readers; its URL then answers 404 and its history stays."""
    require(policy.may_publish(by))
    return _move(article, status=Article.Status.UNPUBLISHED, by=by, internal_note=internal_note)


def articles_publish_due(*, now: datetime | None = None) -> list[int]:
    """Mark scheduled articles whose time has come as published; returns their ids.

    Readers already see them (the visibility rule does not wait for this); this makes the
    status honest, as a revision by the system, through the same writer as every action.
    """
    now = now or timezone.now()
    published = []
    due = Article.objects.filter(status=Article.Status.SCHEDULED, published_at__lte=now)
    for article in due.select_related("section"):
        try:
            with transaction.atomic():
                article_publish(article=article, by=SYSTEM)
        except StaleEdit:
            continue  # an editor saved it just now; the next run looks again
        published.append(article.pk)
    JobRun.objects.update_or_create(name=PUBLISH_DUE_JOB, defaults={"last_run_at": now})
    return published


def publish_job_is_late(*, now: datetime | None = None) -> bool:
    """True when the scheduled-publication job has not run in the last five minutes."""
    now = now or timezone.now()
    last = JobRun.objects.filter(name=PUBLISH_DUE_JOB).values_list("last_run_at", flat=True)
    last_run = last.first()
    return last_run is None or now - last_run > timedelta(minutes=5)
