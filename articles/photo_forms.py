"""The photo form of the admin: a photo in a published article is part of that article."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import policy
from .forms import ChangeFields, clean_change
from .imaging import clean_upload
from .models import Image
from .services import released_articles_showing
from .services.photos import SHOWN_FIELDS

IMAGE_IN_USE_NEEDS_ALT_AND_CREDIT = _(
    "This photo is in a published or scheduled article: it keeps needing alt text and a credit."
)


PHOTO_OF_RELEASED_ARTICLE = _(
    "This photo is in a published or scheduled article: only an editor who may publish can"
    " change its file, alt text, caption or credit."
)


class ImageAdminForm(forms.ModelForm):
    """A photo; for one in published or scheduled articles a change is an editorial change."""

    change_kind = ChangeFields.base_fields["change_kind"]
    change_note = ChangeFields.base_fields["change_note"]

    class Meta:
        model = Image
        fields = ["file", "alt", "caption", "credit"]
        widgets = {
            # A hint for the file picker; the content check in clean_file is what counts.
            "file": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.released = released_articles_showing(self.instance)
        if not self.released:
            self.fields["change_kind"].widget = forms.HiddenInput()
            self.fields["change_note"].widget = forms.HiddenInput()

    clean_change_note = ChangeFields.clean_change_note

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # the stored file, unchanged
        clean = clean_upload(upload)
        self.instance.file_size = clean.size
        return clean

    def clean(self):
        data = super().clean()
        if not self.released:
            return data
        missing = not (data.get("alt", "").strip() and data.get("credit", "").strip())
        if missing:
            raise forms.ValidationError(IMAGE_IN_USE_NEEDS_ALT_AND_CREDIT)
        if not SHOWN_FIELDS & set(self.changed_data):
            return data
        refused = self.user is not None and not policy.may_change_photo(
            self.user, self.instance, released=True
        )
        if refused:
            raise forms.ValidationError(PHOTO_OF_RELEASED_ARTICLE, code="permission")
        clean_change(self, kind_required=any(article.was_out for article in self.released))
        return data
