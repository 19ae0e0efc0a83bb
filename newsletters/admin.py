from django.contrib import admin
from django.utils.translation import gettext_lazy

from newsroom.admin_mixins import ReadOnlyAdminMixin

from .admin_editions import EditionAdmin  # noqa: F401 (registers the editions' admin)
from .models import ConsentRecord, Delivery, Subscriber


class ConsentInline(ReadOnlyAdminMixin, admin.TabularInline):
    editable = frozenset({"change", "delete"})
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "given_at",
        "source",
        "text_version",
        "mail_sent_at",
        "confirmed_at",
    ]


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Subscribers only come in through the double opt-in.
    editable = frozenset({"change", "delete"})
    list_display = ["email", "status", "created_at", "confirmed_at", "bounce_count"]
    list_filter = ["status"]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at", "unsubscribed_at", "bounce_count"]
    fields = ["email", "status", *readonly_fields[1:]]
    inlines = [ConsentInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    editable = frozenset({"delete"})
    list_display = ["edition", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "edition"]
    list_select_related = ["edition", "subscriber"]
    search_fields = ["subscriber__email"]

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "subscriber_address"]
        if request.user.has_perm("newsletters.view_subscriber"):
            return fields
        # The admin would link the subscriber to a page this user may not open (403).
        return ["subscriber_address" if f == "subscriber" else f for f in fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "subscriber_address"]

    @admin.display(description=gettext_lazy("subscriber"))
    def subscriber_address(self, obj: Delivery) -> str:
        return obj.subscriber.email
