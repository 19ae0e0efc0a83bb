"""Front-page curation: pin a story to a place (with an expiry, maybe breaking), unpin it.

Each action asks the policy once (pinning decides what every reader sees first: the power to
publish), writes, and purges the home page and the article's pages through the edge, so
readers see the change at once. Expired pins are purged by a beat job (`frontpage_expire_due`).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edge import tags
from edge.purging import content_changed

from .. import policy
from ..models import Article, FrontPageSlot
from ..policy import require


def pin_problem(
    *, article: Article, expires_at: datetime | None, now: datetime
) -> tuple[str, str] | None:
    """Why `article` may not be pinned (until `expires_at`): (field, Dutch message), or None."""
    if not article.is_visible:
        if article.status == Article.Status.SCHEDULED:
            return "article", _(
                "This article is scheduled and not out yet: pin it once readers can see it."
            )
        return "article", _(
            "Only an article readers can see can be pinned; this one is %(status)s."
        ) % {"status": article.get_status_display()}
    if expires_at is not None and expires_at <= now:
        return "expires_at", _(
            "The end of the pin has passed: choose a time in the future, or none."
        )
    return None


def _purge(*article_ids: int) -> None:
    content_changed({tags.HOME, *(tags.article(pk) for pk in article_ids)})


@transaction.atomic
def frontpage_pin(
    *,
    article: Article,
    position: int,
    by,
    expires_at: datetime | None = None,
    breaking: bool = False,
) -> FrontPageSlot:
    """Put `article` in place `position`; the story there before, if any, leaves the front page.

    An article already pinned elsewhere moves. Refused with a ValidationError (Dutch) when
    readers cannot see the article or the expiry has passed.
    """
    require(policy.may_publish(by))
    article = Article.objects.select_for_update().get(pk=article.pk)
    problem = pin_problem(article=article, expires_at=expires_at, now=timezone.now())
    if problem:
        raise ValidationError(problem[1], code="not_pinnable")
    if position not in FrontPageSlot.Place.values:
        raise ValidationError(_("Choose one of the front page's places."), code="place")
    displaced = list(
        FrontPageSlot.objects.filter(position=position)
        .exclude(article=article)
        .values_list("article_id", flat=True)
    )
    FrontPageSlot.objects.filter(position=position).exclude(article=article).delete()
    slot, _created = FrontPageSlot.objects.update_or_create(
        article=article,
        defaults={
            "position": position,
            "expires_at": expires_at,
            "breaking": breaking,
            "pinned_by": None if by is policy.SYSTEM else by,
        },
    )
    _purge(article.pk, *displaced)
    return slot


@transaction.atomic
def frontpage_unpin(*, slot: FrontPageSlot, by) -> bool:
    """Take a story off its place; the newest story fills it. False if it was gone already."""
    require(policy.may_publish(by))
    deleted, _by_model = FrontPageSlot.objects.filter(pk=slot.pk).delete()
    if deleted:
        _purge(slot.article_id)
    return bool(deleted)


def frontpage_expire_due(*, now: datetime | None = None) -> int:
    """Remove pins whose time has passed and purge the pages that showed them.

    Readers already stop seeing them (the home page reads only active pins); this purges
    the cached pages. Returns how many pins ended.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            FrontPageSlot.objects.select_for_update(skip_locked=True)
            .filter(expires_at__lte=now)
            .values_list("pk", "article_id")
        )
        if not due:
            return 0
        FrontPageSlot.objects.filter(pk__in=[pk for pk, _article in due]).delete()
        _purge(*(article_id for _pk, article_id in due))
    return len(due)
