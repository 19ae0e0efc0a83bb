from django.db import models
from django.utils import timezone

from .status import visibility


class ArticleQuerySet(models.QuerySet):
    def visible(self, *, at=None) -> "ArticleQuerySet":
        """Articles a reader may see now (or at `at`): the rule in `status.visibility`.

        Drafts, articles in review and unpublished ones never are.
        """
        return self.filter(**visibility(at or timezone.now()))

    def released(self) -> "ArticleQuerySet":
        """Published or scheduled: out of the newsroom's hands, whether or not its time came."""
        return self.filter(status__in=self.model.Status.reader_visible())

    def showing(self, image) -> "ArticleQuerySet":
        """Articles that show `image`, as lead image or inline."""
        lead_or_inline = models.Q(lead_image=image) | models.Q(inline_images__image=image)
        return self.filter(lead_or_inline).distinct()

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
        inline_images = self.model.inline_images.rel.related_model
        # The flag spares the page a query for inline images when there are none.
        has_inline_images = models.Exists(
            inline_images.objects.filter(article=models.OuterRef("pk"))
        )
        # Pinned as breaking news: the label on the article, in the same query.
        slots = self.model.front_page_slots.rel.related_model
        is_breaking = models.Exists(
            slots.objects.active(at=timezone.now()).filter(
                article=models.OuterRef("pk"), breaking=True
            )
        )
        return (
            self.select_related("section", "lead_image")
            .prefetch_related("authors")
            .annotate(has_inline_images=has_inline_images, is_breaking=is_breaking)
        )
