from django.contrib import admin

from newsroom.admin_mixins import ReadOnlyAdminMixin

from .models import SetAsideTask


@admin.register(SetAsideTask)
class SetAsideTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What background work gave up on, for whoever keeps the site running."""

    editable = frozenset({"delete"})
    list_display = ["created_at", "task", "args", "reason", "starts", "error"]
    list_filter = ["reason"]
    search_fields = ["task", "task_id", "error"]
    date_hierarchy = "created_at"
