import smtplib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import policy
from newsroom.admin_mixins import ReadOnlyAdminMixin

from .forms import EditionAdminForm
from .mail import render_edition
from .models import ConsentRecord, Delivery, Edition, EditionItem, Subscriber
from .selectors import edition_progress
from .services import editions


class EditionItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EditionItem
    extra = 1
    autocomplete_fields = ["article"]
    fields = ["position", "article"]
    editable = frozenset({"add", "change", "delete"})

    def locked(self, obj) -> bool:
        # `obj` is the edition: once its send has started its items are what readers got.
        return not obj.is_editable


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionAdminForm
    change_form_template = "admin/newsletters/edition/change_form.html"
    list_display = ["subject", "week", "status", "scheduled_at", "send_started_at", "sent_at"]
    list_filter = ["status"]
    date_hierarchy = "week"
    search_fields = ["subject"]
    inlines = [EditionItemInline]
    fields = ["subject", "intro", "scheduled_at", "week", "status", "notice"]
    readonly_fields = ["status", "notice"]

    def get_readonly_fields(self, request, obj=None):
        # The week is chosen once; the unique constraint keeps it to one edition.
        return [*self.readonly_fields, "week"] if obj else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # Once the send has started the edition is what readers got: read only.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/html/", wrap(self.preview_html), name="newsletters_edition_html"
            ),
            path(
                "<int:pk>/preview/text/", wrap(self.preview_text), name="newsletters_edition_text"
            ),
            path(
                "<int:pk>/actions/<str:action>/",
                wrap(self.edition_action),
                name="newsletters_edition_action",
            ),
            *super().get_urls(),
        ]

    def _edition_for_view(self, request, pk: int) -> Edition:
        edition = get_object_or_404(Edition, pk=pk)
        if not self.has_view_permission(request, edition):
            raise PermissionDenied
        return edition

    def preview_html(self, request, pk: int):
        rendered = render_edition(self._edition_for_view(request, pk))
        return HttpResponse(rendered.html)

    def preview_text(self, request, pk: int):
        rendered = render_edition(self._edition_for_view(request, pk))
        return HttpResponse(rendered.text, content_type="text/plain; charset=utf-8")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, object_id)
        extra = {**(extra_context or {})}
        if edition is not None:
            extra["progress"] = edition_progress(edition)
            extra["can_send"] = policy.may_send_edition(request.user)
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def edition_action(self, request, pk: int, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in ACTION_MESSAGES:
            raise Http404
        edition = self._edition_for_view(request, pk)
        if not policy.may_send_edition(request.user):
            raise PermissionDenied
        back = redirect(reverse("admin:newsletters_edition_change", args=[edition.pk]))
        params: dict = {}
        if action == "test":
            if not request.user.email:
                messages.error(request, _("Your account has no e-mail address for the test."))
                return back
            try:
                editions.edition_send_test(edition=edition, to=request.user.email)
            except (smtplib.SMTPException, OSError) as exc:
                messages.error(request, _("The test could not be sent: %(error)s") % {"error": exc})
                return back
            done, params["email"] = True, request.user.email
        elif action == "send":
            try:
                params["count"] = editions.edition_start_send(edition=edition)
            except editions.EditionNotSendable as exc:
                messages.error(request, str(exc))
                return back
            done = True
        elif action == "resend":
            params["count"] = editions.edition_resend_failed(edition=edition, by=request.user)
            if not params["count"]:
                messages.warning(request, _("No failed deliveries to send again."))
                return back
            done = True
        elif action == "schedule":
            done = editions.edition_schedule(edition=edition, at=edition.scheduled_at)
            params["at"] = date_format(timezone.localtime(edition.scheduled_at), "DATETIME_FORMAT")
        else:
            done = STATE_CHANGES[action](edition=edition)
        if done:
            messages.success(request, ACTION_MESSAGES[action] % params)
        else:
            status = edition.get_status_display()
            messages.warning(
                request, _("Nothing changed: the edition is %(status)s.") % {"status": status}
            )
        return back


ACTION_MESSAGES = {
    "test": gettext_lazy("Test sent to %(email)s."),
    "hold": gettext_lazy("The edition is held and will not go out until it is scheduled."),
    "schedule": gettext_lazy("The edition is scheduled for %(at)s."),
    "send": gettext_lazy("Sending started to %(count)d subscribers."),
    "pause": gettext_lazy("Sending is paused."),
    "resume": gettext_lazy("Sending resumed."),
    "resend": gettext_lazy("%(count)d deliveries the recipients' servers refused go out again."),
}
STATE_CHANGES = {
    "hold": editions.edition_hold,
    "pause": editions.edition_pause,
    "resume": editions.edition_resume,
}


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
