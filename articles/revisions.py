"""Revisions: every saved state of an article's reader-visible fields (re-exported by models)."""

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .images import Image, InlineImage
from .status import ArticleStatus

if TYPE_CHECKING:
    from .models import Article

CHANGE_NOTE_MAX_LENGTH = 1000


def photo_snapshot(image: Image) -> dict:
    """A photo as a revision keeps it: which one, and the texts readers saw with it."""
    return {"id": image.pk, "alt": image.alt, "caption": image.caption, "credit": image.credit}


class Revision(models.Model):
    """A saved state of an article's reader-visible fields; one per save, never changed."""

    class Kind(models.TextChoices):
        TYPO = "typo", _("typo or small improvement")
        UPDATE = "update", _("update")
        CORRECTION = "correction", _("correction")

        @classmethod
        def public(cls) -> list[str]:
            """Kinds that move the public “Modified on” time and appear in the change log."""
            return [cls.UPDATE, cls.CORRECTION]

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("change kind"), max_length=12, choices=Kind.choices, blank=True)
    # Readers see the public note of a correction or update (the page, the change log); the
    # internal note (and the automatic ones, such as a restore's) only the newsroom sees.
    public_note = models.TextField(_("public note"), max_length=CHANGE_NOTE_MAX_LENGTH, blank=True)
    internal_note = models.TextField(
        _("internal note"), max_length=CHANGE_NOTE_MAX_LENGTH, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"))
    section = models.ForeignKey(
        "articles.Section", verbose_name=_("section"), on_delete=models.PROTECT, related_name="+"
    )
    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, db_index=False)
    lede = models.TextField(_("lede"))
    body = models.TextField(_("body"), blank=True)
    # [{"id": 3, "name": "Anne de Vries"}, …] in byline order; the name outlives the author.
    authors = models.JSONField(_("authors"), default=list, blank=True)
    # {"lead": photo or None, "inline": [photo with "after_paragraph", …]}, each photo as
    # photo_snapshot() keeps it; NULL for revisions saved before photos were kept.
    images = models.JSONField(_("photos"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ArticleStatus.choices)
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    reading_time = models.PositiveSmallIntegerField(_("reading time (minutes)"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            # Also the index for an article's history, newest first, and its public change log.
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.number}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.Kind.public()

    def snapshot(self) -> dict:
        """The kept fields, in the shape Article.snapshot() gives them."""
        return {name: getattr(self, name) for name in SNAPSHOT_FIELDS}

    def apply_to(self, article: "Article") -> "Article":
        """Put this revision's text and place back into `article` (not saved)."""
        article.section = self.section
        article.headline, article.slug = self.headline, self.slug
        article.lede, article.body = self.lede, self.body
        article.reading_time = self.reading_time
        return article

    def photos(self, *, as_shown: bool) -> "RevisionPhotos | None":
        """The lead image and (unsaved) inline placements of this revision; None if not kept.

        Photos deleted since are left out and counted. `as_shown` puts back the alt text,
        caption and credit readers saw then, for a preview: never save those images.
        """
        if self.images is None:
            return None
        lead, inline = self.images["lead"], self.images["inline"]
        kept = [photo for photo in [lead, *inline] if photo]
        found = Image.objects.in_bulk([photo["id"] for photo in kept]) if kept else {}

        def image(photo: dict) -> Image | None:
            if photo is None or photo["id"] not in found:
                return None
            image = found[photo["id"]]
            if as_shown:
                image = copy.copy(image)
                image.alt, image.caption = photo["alt"], photo["caption"]
                image.credit = photo["credit"]
            return image

        placements = [
            InlineImage(image=image(photo), after_paragraph=photo["after_paragraph"])
            for photo in inline
            if photo["id"] in found
        ]
        missing = sum(1 for photo in kept if photo["id"] not in found)
        return RevisionPhotos(lead=image(lead), inline=placements, missing=missing)


@dataclass(frozen=True)
class RevisionPhotos:
    lead: Image | None
    inline: list[InlineImage]
    missing: int


SNAPSHOT_FIELDS = [
    "section_id",
    "headline",
    "slug",
    "lede",
    "body",
    "authors",
    "images",
    "status",
    "published_at",
    "reading_time",
]
