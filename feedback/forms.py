from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.headers import validate_header_text

from .models import COMMENT_MAX_LENGTH, QUOTE_MAX_LENGTH, TypoReport, Vote


class ReaderForm(forms.Form):
    """Fields every reader form has: the revision the reader saw and a honeypot."""

    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    # Humans leave it empty (it is labelled so); bots fill every field they find.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, article, **kwargs):
        # Labels without a colon, as crispy renders them on the report page.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.article = article

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            # What Django makes of bytes that were not UTF-8.
            if isinstance(value, str) and "\ufffd" in value:
                self.add_error(name, _("This text contains characters that cannot be read."))
        return data

    def clean_revision(self) -> int:
        revision = self.cleaned_data["revision"]
        if revision > self.article.revision_number:
            raise ValidationError(_("This version of the article does not exist."))
        return revision


class VoteForm(ReaderForm):
    useful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes"
    )
    reason = forms.ChoiceField(
        label=_("Why not?"), choices=Vote.Reason.choices, required=False, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        # The ids the reason form on the article page has always had ("nuttig-…").
        kwargs.setdefault("auto_id", "nuttig-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("useful") and (data.get("reason") or data.get("comment")):
            raise ValidationError(_("A reason can only be given with “No”."))
        return data


class TypoReportForm(ReaderForm):
    quote = forms.CharField(
        label=_("The text with the error"),
        max_length=QUOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    correction = forms.CharField(
        label=_("Suggested correction"), max_length=QUOTE_MAX_LENGTH, required=False
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=TypoReport._meta.get_field("name").max_length,
        required=False,
        # The name and the address end up in the Reply-To header of the editors' mail.
        validators=[validate_header_text],
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional, for a reply)"),
        # The form's default (320) is longer than the column.
        max_length=TypoReport._meta.get_field("email").max_length,
        required=False,
        validators=[validate_header_text],
    )

    @property
    def helper(self) -> FormHelper:
        """The report page's crispy layout (the article page's dialog has its own template)."""
        helper = FormHelper(self)
        helper.form_action = reverse("feedback:typo_report", args=[self.article.pk])
        helper.form_class = "typo-form"
        helper.attrs = {"novalidate": ""}
        # The view checks the request's origin (same_origin_post), as for the dialog.
        helper.disable_csrf = True
        helper.layout = Layout(
            "revision",
            "quote",
            "correction",
            "comment",
            "name",
            "email",
            Div("website", css_class="hp-field"),
            StrictButton(_("Send to the editors"), type="submit", css_class="button"),
        )
        return helper
