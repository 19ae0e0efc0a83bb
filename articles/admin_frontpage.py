"""The front page in the admin: pin a story to a place, with an expiry, maybe as breaking."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone

from . import services
from .forms import validate_plausible_year
from .models import FrontPageSlot


class FrontPageSlotForm(forms.ModelForm):
    class Meta:
        model = FrontPageSlot
        fields = ["position", "article", "breaking", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].validators.append(validate_plausible_year)

    def clean(self):
        data = super().clean()
        article = data.get("article")
        if article is not None:
            problem = services.pin_problem(
                article=article, expires_at=data.get("expires_at"), now=timezone.now()
            )
            if problem:
                self.add_error(*problem)
        return data

    def validate_unique(self):
        # A taken place or an article pinned elsewhere is no error: the service moves them.
        pass


@admin.register(FrontPageSlot)
class FrontPageSlotAdmin(admin.ModelAdmin):
    form = FrontPageSlotForm
    # Fits 1280 px: the time of the pin is on the pin's own page.
    list_display = ["position", "article", "breaking", "expires_at", "pinned_by"]
    list_select_related = ["article", "pinned_by"]
    autocomplete_fields = ["article"]
    readonly_fields = ["pinned_by", "pinned_at"]

    def save_model(self, request, obj: FrontPageSlot, form, change):
        data = form.cleaned_data
        if change and "article" in form.changed_data:
            services.frontpage_unpin(slot=FrontPageSlot.objects.get(pk=obj.pk), by=request.user)
        slot = services.frontpage_pin(
            article=data["article"],
            position=data["position"],
            by=request.user,
            expires_at=data.get("expires_at"),
            breaking=data.get("breaking", False),
        )
        obj.pk = slot.pk  # the admin's links and messages name the slot the service kept

    def delete_model(self, request, obj: FrontPageSlot):
        services.frontpage_unpin(slot=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for slot in queryset:
            services.frontpage_unpin(slot=slot, by=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The article went out of sight between the form's check and the pin.
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)
