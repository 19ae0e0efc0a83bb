from django.db import models
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def visible(self, *, at=None) -> "ArticleQuerySet":
        """Articles a reader may see: the one place the visibility rule lives.

        Scheduled articles become visible at their publication time without any
        job having to run; drafts, articles in review and unpublished ones never are.
        """
        from .models import Article

        return self.filter(
            status__in=Article.Status.reader_visible(),
            published_at__lte=at or timezone.now(),
        )

    def for_listing(self) -> "ArticleQuerySet":
        """Teasers, newest first (the order of the partial indexes of Article.Meta).

        Never the body or the corrections: a listing shows neither, and at archive size
        they are most of the bytes read. The search vector is no model field at all.
        """
        return (
            self.select_related("section", "lead_image")
            .defer("body", "corrections")
            .order_by("-published_at", "-pk")
        )

    def for_detail(self) -> "ArticleQuerySet":
        from .images import InlineImage

        # The flag spares the page a query for inline images when there are none.
        has_inline_images = models.Exists(InlineImage.objects.filter(article=models.OuterRef("pk")))
        return (
            self.select_related("section", "lead_image")
            .prefetch_related("authors")
            .annotate(has_inline_images=has_inline_images)
        )
