from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Article

PUBLISHING_STATUSES = {
    Article.Status.SCHEDULED,
    Article.Status.PUBLISHED,
    Article.Status.UNPUBLISHED,
}


class ArticleAdminForm(forms.ModelForm):
    """The editor's article form: enforces who may publish, and keeps status and time coherent."""

    class Meta:
        model = Article
        fields = [
            "section",
            "headline",
            "slug",
            "lede",
            "body",
            "authors",
            "status",
            "published_at",
            "modified_at",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        status = data.get("status")
        can_publish = self.user is not None and self.user.has_perm("articles.publish_article")
        if status in PUBLISHING_STATUSES and not can_publish:
            original = self.instance.status if self.instance.pk else None
            if status != original:
                self.add_error("status", _("You may not publish, schedule or unpublish articles."))
                return data
        if status in {Article.Status.SCHEDULED, Article.Status.PUBLISHED}:
            published_at = data.get("published_at") or timezone.now()
            data["published_at"] = published_at
            # The time decides: a future time is a schedule, a past one a publication.
            data["status"] = (
                Article.Status.SCHEDULED
                if published_at > timezone.now()
                else Article.Status.PUBLISHED
            )
        modified_at = data.get("modified_at")
        if modified_at and data.get("published_at") and modified_at < data["published_at"]:
            self.add_error("modified_at", _("The modified time cannot be before publication."))
        return data
