import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from .images import Image, InlineImage  # noqa: F401  (registers the image models)
from .querysets import ArticleQuerySet
from .richtext import BODY_EXTENSIONS, count_words, sanitize_body

# Dutch news prose is read at roughly 200 words a minute.
WORDS_PER_MINUTE = 200

# First path segments taken by other pages; a section may not shadow them.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "static",
        "media",
        "nieuwsbrief",
        "zoeken",
        "feeds",
        "rss",
        "sitemap.xml",
        "robots.txt",
        "feedback",
        "taalfout",
        "preview",
        "api",
        "accounts",
        "auteur",
        "archief",
        "sitemap-news.xml",
    }
)


def validate_section_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for another page of the site."), params={"slug": value}
        )


class Section(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=60, unique=True, validators=[validate_section_slug]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    in_nav = models.BooleanField(
        _("in main navigation"),
        default=False,
        help_text=_("Shown in the navigation bar; otherwise listed under “More”."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"section_slug": self.slug})


class Author(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    bio = models.TextField(_("short bio"), max_length=500, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("ready for review")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        UNPUBLISHED = "unpublished", _("unpublished")

        @classmethod
        def reader_visible(cls) -> list[str]:
            return [cls.SCHEDULED, cls.PUBLISHED]

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
        indexes = [
            # Home page and feeds: visible articles, newest first.
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            # Section pages: visible articles of one section, newest first.
            models.Index(
                fields=["section", "status", "-published_at"], name="article_section_pub_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "published"]) | Q(published_at__isnull=False),
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
        if not self.slug:
            self.slug = slugify(self.headline)[:200]
        self.body = sanitize_body(self.body or "")
        self.reading_time = self.compute_reading_time()
        self.revision_number += 1
        super().save(*args, **kwargs)
        self._remember_old_url()

    def get_absolute_url(self) -> str:
        return reverse(
            "articles:detail", kwargs={"section_slug": self.section.slug, "slug": self.slug}
        )

    def compute_reading_time(self) -> int:
        return max(1, math.ceil(count_words(self.lede, self.body) / WORDS_PER_MINUTE))

    def _remember_old_url(self) -> None:
        old_section_id, old_slug = getattr(self, "_loaded_url", (None, None))
        if old_slug is None or (old_section_id, old_slug) == (self.section_id, self.slug):
            return
        if self.published_at is not None:
            old_section_slug = Section.objects.values_list("slug", flat=True).get(pk=old_section_id)
            ArticleRedirect.objects.update_or_create(
                section_slug=old_section_slug, slug=old_slug, defaults={"article": self}
            )
        # The current URL always wins over a redirect that pointed elsewhere.
        ArticleRedirect.objects.filter(section_slug=self.section.slug, slug=self.slug).delete()
        self._loaded_url = (self.section_id, self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remembered so that a changed URL can leave a redirect behind.
        instance._loaded_url = (instance.__dict__.get("section_id"), instance.__dict__.get("slug"))
        return instance

    @property
    def is_visible(self) -> bool:
        return (
            self.status in self.Status.reader_visible()
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

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
