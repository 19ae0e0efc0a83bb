import copy
import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from .images import Image, InlineImage
from .querysets import ArticleQuerySet
from .richtext import BODY_EXTENSIONS, count_words, sanitize_body, without_control_characters

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

    def save(self, *args, **kwargs) -> None:
        # Names go into feeds and sitemaps, where a pasted control character breaks the XML.
        self.name = without_control_characters(self.name)
        super().save(*args, **kwargs)

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

    def save(self, *args, **kwargs) -> None:
        self.name = without_control_characters(self.name)
        self.bio = without_control_characters(self.bio)
        super().save(*args, **kwargs)


# Article.Status.reader_visible(), spelled out for the partial indexes in Article.Meta (a
# test checks that the two agree).
VISIBLE_STATUSES = ["scheduled", "published"]


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
                condition=Q(status__in=VISIBLE_STATUSES),
            ),
            # Section pages, their "older" links and month archives, section feeds, the home
            # page's blocks: WHERE visible AND section_id = s ORDER BY published_at DESC, id DESC.
            models.Index(
                "section",
                F("published_at").desc(),
                F("id").desc(),
                name="article_visible_section_idx",
                condition=Q(status__in=VISIBLE_STATUSES),
            ),
            # PostgreSQL only, see migration 0009: article_visible_month_idx for the sitemap
            # index's lastmod per month.
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=VISIBLE_STATUSES) | Q(published_at__isnull=False),
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

    def save(self, *args, change: "Change | None" = None, **kwargs) -> None:
        """Save, and keep the result as a new revision described by `change`."""
        change = change or Change()
        at = change.at or timezone.now()
        self.headline = without_control_characters(self.headline)
        self.lede = without_control_characters(self.lede)
        if not self.slug:
            self.slug = slugify(self.headline)[:200]
        self.body = sanitize_body(without_control_characters(self.body or ""))
        self.reading_time = self.compute_reading_time()
        if change.kind in Revision.Kind.public():
            self.modified_at = at
        if change.kind == Revision.Kind.CORRECTION:
            self.corrections = [*self.corrections, {"at": at.isoformat(), "note": change.note}]
        self.revision_number += 1
        super().save(*args, **kwargs)
        self._remember_old_url()
        Revision.objects.create(
            article=self,
            number=self.revision_number,
            kind=change.kind,
            note=change.note,
            created_by=change.by,
            created_at=at,
            **self.snapshot(),
        )

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

    def editable_by(self, user) -> bool:
        """Editors edit everything; a reporter only their own drafts, until they are out."""
        if user.has_perm("articles.publish_article"):
            return True
        return (
            user.has_perm("articles.change_article")
            and self.created_by_id == user.pk
            and self.status in {self.Status.DRAFT, self.Status.REVIEW}
        )

    @property
    def was_out(self) -> bool:
        """Readers have seen it: changes must now say what kind they are."""
        return self.status == self.Status.PUBLISHED or self.is_visible

    @property
    def correction_notes(self) -> list[tuple[datetime, str]]:
        return [(datetime.fromisoformat(c["at"]), c["note"]) for c in self.corrections]

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


def photo_snapshot(image: Image) -> dict:
    """A photo as a revision keeps it: which one, and the texts readers saw with it."""
    return {"id": image.pk, "alt": image.alt, "caption": image.caption, "credit": image.credit}


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


@dataclass(frozen=True)
class Change:
    """What a save is: who made it, when, and for published articles its kind and note."""

    kind: str = ""
    note: str = ""
    by: object = None
    at: datetime | None = None


CHANGE_NOTE_MAX_LENGTH = 1000


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
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("change kind"), max_length=12, choices=Kind.choices, blank=True)
    note = models.TextField(_("change note"), max_length=CHANGE_NOTE_MAX_LENGTH, blank=True)
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
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="+"
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
    status = models.CharField(_("status"), max_length=12, choices=Article.Status.choices)
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

    def apply_to(self, article: Article) -> Article:
        """Put this revision's text and place back into `article` (not saved)."""
        article.section = self.section
        article.headline, article.slug = self.headline, self.slug
        article.lede, article.body = self.lede, self.body
        article.reading_time = self.reading_time
        return article

    def existing_authors(self) -> list[Author]:
        """The authors of this revision that still exist, in byline order."""
        ids = [author["id"] for author in self.authors if author.get("id") is not None]
        found = Author.objects.in_bulk(ids) if ids else {}
        return [found[pk] for pk in ids if pk in found]

    def missing_author_names(self, authors: list[Author]) -> list[str]:
        """Names in this revision's byline that are not among `authors` (deleted since)."""
        kept = {author.pk for author in authors}
        return [author["name"] for author in self.authors if author.get("id") not in kept]

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


class JobRun(models.Model):
    """When a periodic job last ran, so the admin can warn when it stopped."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return self.name
