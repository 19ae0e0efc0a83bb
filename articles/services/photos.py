"""Changing a photo: for a published or scheduled article that is an editorial change."""

import copy
from collections.abc import Iterable

from django.db import transaction

from .. import policy
from ..imaging import image_queue_renditions
from ..models import Article, Image, Revision
from ..policy import require
from .workflow import Change, record, require_change_kind

# What readers see of a photo; other fields (renditions, sizes) follow from these.
SHOWN_FIELDS = frozenset({"file", "alt", "caption", "credit"})


def released_articles_showing(image: Image) -> list[Article]:
    """Published and scheduled articles that show `image`, as lead image or inline."""
    if image.pk is None:
        return []
    return list(Article.objects.released().showing(image).select_related("section"))


@transaction.atomic
def image_change(
    *, image: Image, by, changed: Iterable[str], kind: str = "", public_note: str = ""
) -> list[Revision]:
    """Save `image` (new or edited); `changed` names the fields the editor changed.

    When what readers see of it changes and published or scheduled articles show it, that
    needs publish permission, a change kind (`kind`, `public_note`) and leaves one revision of
    each of those articles. New renditions are queued once the new file is committed.
    """
    changed = set(changed)
    articles = released_articles_showing(image) if changed & SHOWN_FIELDS else []
    require(policy.may_change_photo(by, image, released=bool(articles)))
    for article in articles:
        require_change_kind(stored=article, kind=kind)
    if "file" in changed:
        image.renditions = {}
    image.save()
    if "file" in changed:
        image_queue_renditions(image=image)
    return [
        record(
            article=article,
            stored=copy.copy(article),
            by=by,
            change=Change(kind=kind, public_note=public_note),
        )
        for article in articles
    ]
