import unicodedata
from datetime import timedelta

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .imaging import clean_upload
from .models import Article, Image

PUBLISHING_STATUSES = {
    Article.Status.SCHEDULED,
    Article.Status.PUBLISHED,
    Article.Status.UNPUBLISHED,
}

READER_VISIBLE = {Article.Status.SCHEDULED, Article.Status.PUBLISHED}
IMAGE_NOT_PUBLISHABLE = _(
    "An article can only be published when its images have alt text and a credit. "
    "Add them to the image first."
)

IMAGE_IN_USE_NEEDS_ALT_AND_CREDIT = _(
    "This photo is in a published or scheduled article: it keeps needing alt text and a credit."
)


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
            "lead_image",
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
        lead_image = data.get("lead_image")
        if data.get("status") in READER_VISIBLE and lead_image and not lead_image.is_publishable:
            self.add_error("lead_image", IMAGE_NOT_PUBLISHABLE)
        modified_at = data.get("modified_at")
        if modified_at and data.get("published_at") and modified_at < data["published_at"]:
            self.add_error("modified_at", _("The modified time cannot be before publication."))
        return data


class InlineImageFormSet(forms.BaseInlineFormSet):
    """The inline images of an article: all need alt text and credit before it goes out."""

    def clean(self):
        super().clean()
        # The admin builds the formsets on the article as the article form just cleaned it.
        if self.instance.status not in READER_VISIBLE:
            return
        for form in self.forms:
            image = form.cleaned_data.get("image")
            if image and not form.cleaned_data.get("DELETE") and not image.is_publishable:
                form.add_error("image", IMAGE_NOT_PUBLISHABLE)


class ImageAdminForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt", "caption", "credit"]
        widgets = {
            # A hint for the file picker; the content check in clean_file is what counts.
            "file": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # the stored file, unchanged
        clean = clean_upload(upload)
        self.instance.file_size = clean.size
        return clean

    def clean(self):
        data = super().clean()
        missing = not (data.get("alt", "").strip() and data.get("credit", "").strip())
        if missing and self.instance.pk and self.instance.is_in_visible_article():
            raise forms.ValidationError(IMAGE_IN_USE_NEEDS_ALT_AND_CREDIT)
        return data


# Longer queries are cut, not refused: nobody means more than this.
SEARCH_MAX_LENGTH = 200
SEARCH_PERIODS = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=31),
    "year": timedelta(days=366),
}


class SearchForm(forms.Form):
    """The reader's search: every input gives a page, so nothing here is ever invalid."""

    q = forms.CharField(label=_("Search for"), required=False, strip=True)
    section = forms.ChoiceField(label=_("Section"), required=False)
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("day", _("Last 24 hours")),
            ("week", _("Last week")),
            ("month", _("Last month")),
            ("year", _("Last year")),
        ],
    )

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].validators = []  # no null-character refusal: cleaned below instead
        self.fields["section"].choices = [("", _("All sections"))] + [
            (link.slug, link.name) for link in sections
        ]

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        # Control characters (NUL above all) cannot go into a database query.
        printable = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in value)
        return " ".join(printable.split())[:SEARCH_MAX_LENGTH]

    def search_terms(self) -> dict:
        """Keyword arguments for `search_articles`; an unknown section or period is ignored."""
        self.is_valid()  # fills cleaned_data with the fields that are valid
        data = self.cleaned_data
        period = SEARCH_PERIODS.get(data.get("period") or "")
        return {
            "query": data.get("q", ""),
            "section_slug": data.get("section", ""),
            "since": timezone.now() - period if period else None,
        }
