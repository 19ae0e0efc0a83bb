"""Sections and authors: where an article appears and who wrote it (re-exported by models)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.headers import validate_header_text

from .richtext import without_control_characters

# First path segments taken by other pages (with STATIC_URL and MEDIA_URL's, which the TLS
# proxy serves before any request reaches us); a section may not shadow them. The database
# holds the same list as a constraint (migration 0012): a new entry needs a migration.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "static",
        "uploads",
        "nieuwsbrief",
        "zoeken",
        "feeds",
        "health",
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
        "privacy",
        "colofon",
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
        constraints = [
            # Also for sections made by code (the demo, imports), not only through forms.
            models.CheckConstraint(
                condition=~models.Q(slug__in=sorted(RESERVED_SLUGS)),
                name="section_slug_not_reserved",
                violation_error_message=_("This slug is reserved for another page of the site."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Names go into feeds and sitemaps, where a pasted control character breaks the XML.
        self.name = without_control_characters(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"section_slug": self.slug})


class Author(models.Model):
    # Names go into mail (the newsletter's bylines): one line of printable text.
    name = models.CharField(_("name"), max_length=100, validators=[validate_header_text])
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

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})
