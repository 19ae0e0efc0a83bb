"""Writes of the proofing app, and the publish guard the article workflow calls."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .checks import blocking, check_article
from .findings import Finding
from .models import NewsroomWord


def word_list_add(*, word: str, by) -> NewsroomWord:
    """Put `word` on the newsroom word list (a no-op when it is there already)."""
    if not by.has_perm("proofing.add_newsroomword"):
        raise PermissionDenied
    entry = NewsroomWord(word=word.strip(), added_by=by)
    entry.full_clean(validate_unique=False)
    existing = NewsroomWord.objects.filter(word=entry.word).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # added by someone else a moment ago
        return NewsroomWord.objects.get(word=entry.word)
    return entry


class PublishBlocked(ValidationError):
    """Blocking house-style rules refuse to let the article go out."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(
            [_("Not published: %(message)s") % {"message": f.message} for f in findings],
            code="proofing_blocked",
        )


def check_publishable(
    *, article, inline_images=None, change_kind: str = "", change_note: str = ""
) -> list[Finding]:
    """Run the check before `article` goes out; raise PublishBlocked on blocking findings.

    Returns all findings, so callers can show the warnings too.
    """
    findings = check_article(
        article=article,
        inline_images=inline_images,
        change_kind=change_kind,
        change_note=change_note,
    )
    blockers = blocking(findings)
    if blockers:
        raise PublishBlocked(blockers)
    return findings
