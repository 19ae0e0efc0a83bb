from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import NewsroomWord, RuleSetting
from .services import word_list_add


@admin.register(NewsroomWord)
class NewsroomWordAdmin(admin.ModelAdmin):
    list_display = ["word", "note", "added_by", "created_at"]
    list_select_related = ["added_by"]
    search_fields = ["word", "note"]
    fields = ["word", "note"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "add-from-check/",
                self.admin_site.admin_view(self.add_from_check_view),
                name="proofing_newsroomword_add_from_check",
            ),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def add_from_check_view(self, request):
        """The panel's "add to the word list" button: one word, then back to the article."""
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "admin:index"
        try:
            word = word_list_add(word=request.POST.get("word", ""), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("“%(word)s” is on the word list now.") % {"word": word.word}
            )
        return redirect(back)


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ["rule", "severity"]
    list_editable = ["severity"]
    fields = ["rule", "severity"]
    readonly_fields = ["rule"]

    def has_add_permission(self, request):
        return False  # every rule has its row from the migration

    def has_delete_permission(self, request, obj=None):
        return False
