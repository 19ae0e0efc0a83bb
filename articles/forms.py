import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CHANGE_NOTE_MAX_LENGTH, Article, Revision
from .services import OUT_STATUSES, changes_since

PUBLISHING_STATUSES = OUT_STATUSES
_MARKUP = re.compile(r"[<>]")


def clean_change(form: forms.Form, *, kind_required: bool) -> None:
    """Shared by edits and restores: a published article's change needs a kind and plain text."""
    kind = form.cleaned_data.get("change_kind")
    note = form.cleaned_data.get("change_note", "")
    if kind_required and not kind:
        form.add_error(
            "change_kind",
            _(
                "This article is published: say whether this is a typo fix, an update or a"
                " correction."
            ),
        )
    if kind == Revision.Kind.CORRECTION and not note:
        form.add_error("change_note", _("A correction needs a note; readers see it."))


class ChangeFields(forms.Form):
    change_kind = forms.ChoiceField(
        label=_("Change kind"),
        choices=[("", "---------"), *Revision.Kind.choices],
        required=False,
        help_text=_(
            "Typo fixes do not change the public “Modified on” time; updates and corrections"
            " do, and a correction note is shown on the article."
        ),
    )
    change_note = forms.CharField(
        label=_("Change note"),
        max_length=CHANGE_NOTE_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Plain text. For a correction, readers see this note."),
    )

    def clean_change_note(self):
        note = self.cleaned_data["change_note"]
        if _MARKUP.search(note):
            raise forms.ValidationError(_("A change note is plain text: leave out < and >."))
        return note


class RestoreForm(ChangeFields):
    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean(self):
        data = super().clean()
        clean_change(self, kind_required=self.article.was_out)
        return data


class ArticleAdminForm(forms.ModelForm):
    """The editor's article form: who may publish, what kind of change, and no lost updates."""

    change_kind = ChangeFields.base_fields["change_kind"]
    change_note = ChangeFields.base_fields["change_note"]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

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
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.was_out = bool(self.instance.pk and self.instance.was_out)
        self.stale_changes = None
        self.fields["version"].initial = self.instance.revision_number
        if not self.was_out:
            self.fields["change_kind"].widget = forms.HiddenInput()
            self.fields["change_note"].widget = forms.HiddenInput()

    clean_change_note = ChangeFields.clean_change_note

    def clean(self):
        data = super().clean()
        self._check_version(data.get("version"))
        if self.was_out:
            clean_change(self, kind_required=True)
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
        return data

    def _check_version(self, version: int | None) -> None:
        if not self.instance.pk:
            return
        if version is None:
            raise forms.ValidationError(_("The form is incomplete; reload the article."))
        stored = Article.objects.filter(pk=self.instance.pk).values_list(
            "revision_number", flat=True
        )
        if stored.first() != version:
            self.stale_changes = changes_since(article_id=self.instance.pk, revision_number=version)
            raise forms.ValidationError(
                _(
                    "Someone else saved this article after you opened it. Their changes are"
                    " shown below; copy what you need, reload and save again."
                ),
                code="stale",
            )
