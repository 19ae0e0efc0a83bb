"""Restoring a revision: its text, byline and photos become the live version again."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import policy
from ..models import Article, Author, InlineImage, Revision
from ..policy import require
from .workflow import Change, check_house_rules, record, require_change_kind, stored_version


@dataclass(frozen=True)
class Restored:
    revision: Revision
    # What the old revision showed that has been deleted since, so could not come back.
    missing_authors: list[str]
    missing_photos: int


def corrections_after(revision: Revision) -> list[Revision]:
    """The corrections made since `revision`: restoring it may bring their errors back."""
    later = Revision.objects.filter(
        article_id=revision.article_id, number__gt=revision.number, kind=Revision.Kind.CORRECTION
    )
    return list(later.select_related("created_by").order_by("number"))


def _existing_authors(revision: Revision) -> list[Author]:
    """The authors of `revision` that still exist, in byline order."""
    ids = [author["id"] for author in revision.authors if author.get("id") is not None]
    found = Author.objects.in_bulk(ids) if ids else {}
    return [found[pk] for pk in ids if pk in found]


@transaction.atomic
def revision_restore(
    *,
    revision: Revision,
    by,
    kind: str = "",
    public_note: str = "",
    internal_note: str = "",
    corrections_confirmed: bool = False,
) -> Restored:
    """Make `revision`'s text, authors and photos the live version again, as a new revision.

    When corrections were made after `revision`, the editor must have seen them
    (`corrections_confirmed`): their notes stay on the page and in the change log whatever
    the text says. Revisions saved before photos were kept leave the current photos alone.
    """
    article = Article.objects.select_related("section").get(pk=revision.article_id)
    require(policy.may_restore(by, article))
    stored = stored_version(article)
    require_change_kind(stored=stored, kind=kind)
    if corrections_after(revision) and not corrections_confirmed:
        raise ValidationError(
            _("Corrections were made after this revision: confirm that you have read them."),
            code="corrections_not_confirmed",
        )
    number = {"number": revision.number}
    revision.apply_to(article)
    authors = _existing_authors(revision)
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

    check_house_rules(article, by=by, kind=kind, public_note=public_note)

    def replace_inline_photos() -> None:
        article.inline_images.all().delete()
        for placement in photos.inline:
            placement.article = article
        InlineImage.objects.bulk_create(photos.inline)

    saved = record(
        article=article,
        stored=stored,
        by=by,
        # The automatic note is the newsroom's, never the readers'.
        change=Change(
            kind=kind,
            public_note=public_note,
            internal_note=internal_note or _("Restored revision %(number)s.") % number,
        ),
        expected_revision=article.revision_number,
        authors=authors,
        save_related=replace_inline_photos if photos is not None else None,
    )
    kept = {author.pk for author in authors}
    return Restored(
        revision=saved,
        missing_authors=[a["name"] for a in revision.authors if a.get("id") not in kept],
        missing_photos=photos.missing if photos is not None else 0,
    )
