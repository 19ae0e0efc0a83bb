"""Previews: an article, or one of its revisions, as readers would see it (never saved)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

from .. import policy
from ..models import Article, InlineImage, Revision

PREVIEW_SALT = "articles.preview"


def preview_token(*, article: Article, by, revision: Revision | None = None) -> str:
    """A signed token for a preview link; it expires after PREVIEW_LINK_HOURS.

    Raises PermissionDenied unless `by` may share this article's preview.
    """
    policy.require(policy.may_share_preview(by, article))
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
