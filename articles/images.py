"""Photos: the lead image and inline images of articles, with the renditions readers get."""

from django.core.files.storage import default_storage
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# Widths (pixels) of the renditions made after upload; never wider than the original.
RENDITION_WIDTHS = (480, 800, 1200, 1600)
# The rendition feeds and social previews point at.
SHARE_WIDTH = 1200


class Image(models.Model):
    """An uploaded photo: cleaned on upload (see imaging.py), resized later by a task."""

    file = models.ImageField(
        _("file"), upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    file_size = models.PositiveIntegerField(_("file size (bytes)"), editable=False, default=0)
    alt = models.CharField(
        _("alt text"),
        max_length=250,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it. Required to publish."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"),
        max_length=120,
        blank=True,
        help_text=_("Photographer and/or agency. Required to publish."),
    )
    # {"480": {"webp": "renditions/…/480.webp", "jpeg": "renditions/…/480.jpg"}, …}
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt or self.file.name

    @property
    def is_publishable(self) -> bool:
        return bool(self.alt.strip() and self.credit.strip())

    @cached_property
    def srcsets(self) -> dict[str, str]:
        """The `srcset` of each format ("webp", "jpeg"); empty until the task made them."""
        ordered = sorted(self.renditions.items(), key=lambda item: int(item[0]))
        return {
            kind: ", ".join(
                f"{default_storage.url(paths[kind])} {width}w" for width, paths in ordered
            )
            for kind in ("webp", "jpeg")
        }

    def share_url(self) -> str:
        """The URL of a JPEG for feeds and social previews: a rendition, or the original."""
        widths = sorted(int(width) for width in self.renditions)
        fitting = [width for width in widths if width <= SHARE_WIDTH]
        if fitting:
            return default_storage.url(self.renditions[str(fitting[-1])]["jpeg"])
        return self.file.url


class InlineImage(models.Model):
    """A photo placed in the body of an article, after one of its paragraphs."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="inline_images",
    )
    image = models.ForeignKey(
        Image, verbose_name=_("image"), on_delete=models.PROTECT, related_name="+"
    )
    after_paragraph = models.PositiveSmallIntegerField(
        _("after paragraph"),
        default=1,
        help_text=_("Shown after this paragraph of the body (1 is the first)."),
    )

    class Meta:
        ordering = ["after_paragraph", "pk"]
        verbose_name = _("inline image")
        verbose_name_plural = _("inline images")

    def __str__(self) -> str:
        return str(self.image)
