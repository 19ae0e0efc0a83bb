import copy
import re
import unicodedata
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proofing.services import PublishBlocked, check_publishable

from . import policy
from .models import CHANGE_NOTE_MAX_LENGTH, Article, Revision
from .services import changes_since, publication_status

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
        label=_("Public note"),
        max_length=CHANGE_NOTE_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Plain text. Readers see it with a correction or an update: on the article (a"
            " correction) and in its change log."
        ),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        max_length=CHANGE_NOTE_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the newsroom sees this, in the revisions. Never shown to readers."),
    )

    def clean_change_note(self):
        return plain_note(self.cleaned_data["change_note"])

    def clean_internal_note(self):
        return plain_note(self.cleaned_data["internal_note"])


def plain_note(note: str) -> str:
    if _MARKUP.search(note):
        raise forms.ValidationError(_("A change note is plain text: leave out < and >."))
    return note


class RestoreForm(ChangeFields):
    corrections_confirmed = forms.BooleanField(
        label=_("I have read the corrections above; their notes stay on the article."),
        required=False,
    )

    def __init__(self, *args, article: Article, corrections: list[Revision], **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        if corrections:
            self.fields["corrections_confirmed"].required = True
            self.fields["corrections_confirmed"].error_messages["required"] = _(
                "Confirm that you have read the corrections made after this revision."
            )
        else:
            self.fields["corrections_confirmed"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        clean_change(self, kind_required=self.article.was_out)
        return data


# The first Dutch newspaper (1618) fits; the year 1 cannot even be stored in UTC (a 500).
FIRST_YEAR, LAST_YEAR = 1600, 9998


def validate_plausible_year(value) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Enter a date between the years %(first)d and %(last)d."),
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


IMAGE_NOT_PUBLISHABLE = _(
    "An article can only be published when its images have alt text and a credit. "
    "Add them to the image first."
)


class ArticleAdminForm(forms.ModelForm):
    """The editor's article form: who may publish, what kind of change, and no lost updates."""

    change_kind = ChangeFields.base_fields["change_kind"]
    change_note = ChangeFields.base_fields["change_note"]
    internal_note = ChangeFields.base_fields["internal_note"]
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
            "lead_image",
            "status",
            "published_at",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.was_out = bool(self.instance.pk and self.instance.was_out)
        self.stale_changes = None
        self.fields["version"].initial = self.instance.revision_number
        if "published_at" in self.fields:  # not on a read-only page
            self.fields["published_at"].validators.append(validate_plausible_year)
        if not self.was_out:
            self.fields["change_kind"].widget = forms.HiddenInput()
            self.fields["change_note"].widget = forms.HiddenInput()
            self.fields["internal_note"].widget = forms.HiddenInput()
        if "status" in self.fields and user is not None:
            # Only the statuses this user may choose are offered; the field still accepts
            # every status, so that clean() answers a forged one with the policy's reason.
            stored = self.instance.status if self.instance.pk else None
            self.fields["status"].widget.choices = [
                (value, label)
                for value, label in self.fields["status"].choices
                if policy.may_set_status(user, old=stored, new=value)
            ]

    clean_change_note = ChangeFields.clean_change_note
    clean_internal_note = ChangeFields.clean_internal_note

    def clean(self):
        data = super().clean()
        self._check_version(data.get("version"))
        if self.was_out:
            clean_change(self, kind_required=True)
        status = data.get("status")
        if status is None:
            return data
        # Not yet changed: the model form fills the instance only after clean().
        stored_status = self.instance.status if self.instance.pk else None
        if not policy.may_set_status(self.user, old=stored_status, new=status):
            self.add_error("status", _("You may not publish, schedule or unpublish articles."))
            return data
        # As the service will save it, so that the constraints are checked on that.
        data["status"], data["published_at"] = publication_status(
            status=status, published_at=data.get("published_at"), now=timezone.now()
        )
        lead_image = data.get("lead_image")
        visible = data["status"] in Article.Status.reader_visible()
        if visible and lead_image and not lead_image.is_publishable:
            self.add_error("lead_image", IMAGE_NOT_PUBLISHABLE)
        if visible and not self.errors:
            self._check_house_rules(data)
        return data

    def _check_house_rules(self, data) -> None:
        """Blocking proofing rules refuse publication here, so the editor's text stays."""
        candidate = copy.copy(self.instance)
        for name in ("headline", "lede", "body", "lead_image"):
            setattr(candidate, name, data.get(name, getattr(candidate, name)))
        try:
            check_publishable(
                article=candidate,
                change_kind=data.get("change_kind", ""),
                change_note=data.get("change_note", ""),
            )
        except PublishBlocked as blocked:
            self.add_error(None, blocked)

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


class InlineImageFormSet(forms.BaseInlineFormSet):
    """The inline images of an article: all need alt text and credit before it goes out."""

    def clean(self):
        super().clean()
        # The admin builds the formsets on the article as the article form just cleaned it.
        if self.instance.status not in Article.Status.reader_visible():
            return
        for form in self.forms:
            image = form.cleaned_data.get("image")
            if image and not form.cleaned_data.get("DELETE") and not image.is_publishable:
                form.add_error("image", IMAGE_NOT_PUBLISHABLE)


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
