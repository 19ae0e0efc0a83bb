import math
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

# Re-exported: Django finds an app's models in its models module.
from .frontpage import FrontPageSlot  # noqa: F401
from .images import Image, InlineImage  # noqa: F401
from .querysets import ArticleQuerySet
from .revisions import (  # noqa: F401
    CHANGE_NOTE_MAX_LENGTH,
    SNAPSHOT_FIELDS,
    Revision,
    RevisionPhotos,
    photo_snapshot,
)
from .richtext import BODY_EXTENSIONS, count_words, sanitize_body, without_control_characters
from .sections import RESERVED_SLUGS, Author, Section, validate_section_slug  # noqa: F401
from .status import ArticleStatus, satisfies, visibility

# Dutch news prose is read at roughly 200 words a minute.
WORDS_PER_MINUTE = 200


class Article(models.Model):
    Status = ArticleStatus

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    lede = models.TextField(
        _("lede"), max_length=600, help_text=_("Two sentences that summarise the article.")
    )
    body = ProseEditorField(_("body"), extensions=BODY_EXTENSIONS, sanitize=True, blank=True)
    lead_image = models.ForeignKey(
        Image,
        verbose_name=_("lead image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), related_name="articles", blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    modified_at = models.DateTimeField(
        _("modified time"),
        null=True,
        blank=True,
        help_text=_("Shown to readers as “Modified on”."),
    )
    revision_number = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Counts the saves of this article; reader reports name the revision they saw."),
    )
    reading_time = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False
    )
    corrections = models.JSONField(
        _("corrections"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("The dated correction notes readers see; kept from the revisions."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish, schedule and unpublish articles"))]
        # Every reader listing reads `visible()` (status in Status.reader_visible() and
        # published_at <= now) newest first: partial indexes on exactly those statuses let it
        # stop after the rows it shows, whatever the size of the archive and of the drafts.
        indexes = [
            # Home, feeds, news sitemap, month sitemaps, search candidates:
            # WHERE visible ORDER BY published_at DESC, id DESC LIMIT n (or a published_at range).
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                name="article_visible_latest_idx",
                condition=Q(status__in=ArticleStatus.reader_visible()),
            ),
            # Section pages, their "older" links and month archives, section feeds, the home
            # page's blocks: WHERE visible AND section_id = s ORDER BY published_at DESC, id DESC.
            models.Index(
                "section",
                F("published_at").desc(),
                F("id").desc(),
                name="article_visible_section_idx",
                condition=Q(status__in=ArticleStatus.reader_visible()),
            ),
            # PostgreSQL only, see migration 0009: article_visible_month_idx for the sitemap
            # index's lastmod per month.
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=ArticleStatus.reader_visible())
                | Q(published_at__isnull=False),
                name="article_visible_has_publication_time",
            ),
            models.CheckConstraint(
                condition=Q(modified_at__isnull=True)
                | Q(published_at__isnull=False, modified_at__gte=models.F("published_at")),
                name="article_modified_after_published",
            ),
            models.CheckConstraint(
                condition=Q(reading_time__gte=1), name="article_reading_time_min_1"
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs) -> None:
        """Normalise this row's own fields; the workflow services do the rest."""
        self.headline = without_control_characters(self.headline)
        self.lede = without_control_characters(self.lede)
        if not self.slug:
            self.slug = slugify(self.headline)[:200]
        self.body = sanitize_body(without_control_characters(self.body or ""))
        self.reading_time = self.compute_reading_time()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "articles:detail", kwargs={"section_slug": self.section.slug, "slug": self.slug}
        )

    def snapshot(self) -> dict:
        """The reader-visible fields, as a revision keeps them."""
        return {
            "section_id": self.section_id,
            "headline": self.headline,
            "slug": self.slug,
            "lede": self.lede,
            "body": self.body,
            "authors": [{"id": a.pk, "name": a.name} for a in self.authors.all()]
            if self.pk
            else [],
            "images": {
                "lead": photo_snapshot(self.lead_image) if self.lead_image_id else None,
                "inline": [
                    {**photo_snapshot(inline.image), "after_paragraph": inline.after_paragraph}
                    for inline in self.inline_images.select_related("image")
                ]
                if self.pk
                else [],
            },
            "status": self.status,
            "published_at": self.published_at,
            "reading_time": self.reading_time,
        }

    @property
    def was_out(self) -> bool:
        """Readers have seen it: changes must now say what kind they are."""
        return self.status == self.Status.PUBLISHED or self.is_visible

    @property
    def correction_notes(self) -> list[tuple[datetime, str]]:
        return [(datetime.fromisoformat(c["at"]), c["note"]) for c in self.corrections]

    def compute_reading_time(self) -> int:
        return max(1, math.ceil(count_words(self.lede, self.body) / WORDS_PER_MINUTE))

    @property
    def is_visible(self) -> bool:
        return satisfies(self, visibility(timezone.now()))

    @property
    def public_modified_at(self):
        """The “Modified on” time readers see, or None when there is none."""
        if self.modified_at and self.published_at and self.modified_at > self.published_at:
            return self.modified_at
        return None

    @property
    def last_modified(self):
        return self.public_modified_at or self.published_at

    def images_missing_alt_or_credit(self, inline_images=None) -> list[Image]:
        """The images of this article a reader may not see yet: without alt text or credit.

        `inline_images` are the images the editor is about to save; the stored ones otherwise.
        """
        if inline_images is None:
            inline_images = [] if self.pk is None else [i.image for i in self.inline_images.all()]
        images = [self.lead_image, *inline_images] if self.lead_image else list(inline_images)
        return [image for image in images if not image.is_publishable]


class ArticleRedirect(models.Model):
    """An old URL of an article, answered with a permanent redirect."""

    section_slug = models.SlugField(max_length=60)
    slug = models.SlugField(max_length=200)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("old article URL")
        verbose_name_plural = _("old article URLs")
        constraints = [
            # Also the index for the lookup of an unknown article URL.
            models.UniqueConstraint(fields=["section_slug", "slug"], name="redirect_unique_path"),
        ]

    def __str__(self) -> str:
        return f"/{self.section_slug}/{self.slug}/"


class JobRun(models.Model):
    """When a periodic job last ran, so the admin can warn when it stopped."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return self.name
