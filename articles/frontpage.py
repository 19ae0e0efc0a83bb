"""The front page's pinned stories: a lead and a few top slots, each with an optional expiry.

Re-exported by articles.models. The home page shows the pinned stories in their places and
fills the other places with the newest (articles/listings.py, home_latest). The writes are
services (articles/services/frontpage.py); the rules of a pin live in `pin_problem`.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .status import visibility

# The lead and the two stories under it on the home page (HOME_SECONDARY in the view).
PINNED_PLACES = 3


class FrontPageSlotQuerySet(models.QuerySet):
    def active(self, *, at: datetime) -> "FrontPageSlotQuerySet":
        """Pins readers see at `at`: not expired, of an article readers may see then.

        The visibility rule on the joined article row (no subquery over the archive).
        """
        article_visible = {f"article__{lookup}": v for lookup, v in visibility(at).items()}
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at)).filter(
            **article_visible
        )


class FrontPageSlot(models.Model):
    class Place(models.IntegerChoices):
        LEAD = 0, _("lead story")
        SECOND = 1, _("top story 2")
        THIRD = 2, _("top story 3")

    position = models.PositiveSmallIntegerField(
        _("place"), choices=Place.choices, default=Place.LEAD
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="front_page_slots",
    )
    breaking = models.BooleanField(
        _("breaking news"),
        default=False,
        help_text=_("Shows the label “Net binnen” on the home page and on the article."),
    )
    expires_at = models.DateTimeField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("Empty: until you unpin it. After this time the newest story takes its place."),
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pinned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pinned_at = models.DateTimeField(_("pinned at"), auto_now=True)

    objects = FrontPageSlotQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("front-page story")
        verbose_name_plural = _("front page")
        constraints = [
            # Also the index of the home page's read: the few pins, in place order.
            models.UniqueConstraint(fields=["position"], name="frontpage_one_story_per_place"),
            # Also the index of the article page's "breaking" check (EXISTS by article).
            models.UniqueConstraint(fields=["article"], name="frontpage_one_place_per_story"),
            models.CheckConstraint(
                condition=Q(position__lt=PINNED_PLACES), name="frontpage_place_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_position_display()}: {self.article}"
