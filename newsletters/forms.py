from django import forms
from django.utils.translation import gettext_lazy as _

from articles.forms import validate_plausible_year

from .models import monday_of


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, such as naam@voorbeeld.nl."),
            "max_length": _("This e-mail address is too long."),
        },
    )
    # The page the reader signed up on, for the consent record.
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # The honeypot of every reader form (templates/feedback/_honeypot.html): humans leave
    # it empty, bots fill every field they find.
    website = forms.CharField(required=False)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_source(self) -> str:
        source = self.cleaned_data["source"]
        return source if source.startswith("/") and not source.startswith("//") else ""


class EditionAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "scheduled_at" in self.fields:  # not on a read-only page
            self.fields["scheduled_at"].validators.append(validate_plausible_year)
        if "week" in self.fields:  # only a new edition chooses its week
            self.fields["week"].help_text = _(
                "Any day of the week this edition covers; it is kept as that week's Monday."
            )

    def clean_week(self):
        # Any day will do: the edition is of the week it falls in (one per week).
        return monday_of(self.cleaned_data["week"])
