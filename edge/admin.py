from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Purge
from .purging import purge_queue


@admin.register(Purge)
class PurgeAdmin(admin.ModelAdmin):
    """Purges are made by Kopij, never by hand: editors read them and may send failed ones again."""

    list_display = ("created_at", "state", "tags", "attempts", "error")
    list_filter = ("state",)
    search_fields = ("tags",)
    readonly_fields = (
        "tags",
        "state",
        "done_urls",
        "attempts",
        "error",
        "created_at",
        "finished_at",
    )
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the selected purges again"), permissions=["change"])
    def send_again(self, request, queryset):
        again = list(queryset.exclude(state=Purge.State.DONE))
        for purge in again:
            Purge.objects.filter(pk=purge.pk).update(state=Purge.State.PENDING)
            purge_queue(purge=purge)
        count = len(again)
        self.message_user(
            request,
            ngettext("%d purge queued again.", "%d purges queued again.", count) % count,
            messages.SUCCESS,
        )
