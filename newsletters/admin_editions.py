"""The editions' admin: add by hand or assemble now, arrange, preview, confirm and send."""

import smtplib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import policy
from newsroom.admin_mixins import ReadOnlyAdminMixin

from .forms import EditionAdminForm
from .mail import render_edition
from .models import Edition, EditionItem
from .selectors import edition_progress, recipient_count
from .services import editions

# Actions that reach every subscriber: asked for on a confirmation page first.
CONFIRMED_ACTIONS = {"send", "schedule"}
# The position an added article gets unless the editor chooses one: after the others.
LAST_POSITION = 99


class EditionItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EditionItem
    extra = 1
    autocomplete_fields = ["article"]
    fields = ["position", "article"]
    editable = frozenset({"add", "change", "delete"})

    def locked(self, obj) -> bool:
        # `obj` is the edition: once its send has started its items are what readers got.
        return not obj.is_editable

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # An article added without a position goes last, not in the lead's place (0).
        formset.form.base_fields["position"].initial = LAST_POSITION
        return formset

    def get_queryset(self, request):
        # Each row shows its article; the autocomplete widget still reads its own label.
        return super().get_queryset(request).select_related("article")


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionAdminForm
    change_form_template = "admin/newsletters/edition/change_form.html"
    change_list_template = "admin/newsletters/edition/change_list.html"
    list_display = ["subject", "week", "status", "send_time"]
    list_filter = ["status"]
    date_hierarchy = "week"
    search_fields = ["subject"]
    inlines = [EditionItemInline]
    fields = [
        "subject",
        "intro",
        "arrangement",
        "scheduled_at",
        "week",
        "status",
        "send_started_at",
        "sent_at",
        "notice",
    ]
    readonly_fields = ["status", "send_started_at", "sent_at", "notice"]

    @admin.display(description=gettext_lazy("sent or planned"), ordering="scheduled_at")
    def send_time(self, obj: Edition) -> str:
        """When the send really happened (finished, or started), else when it is planned."""

        def at(moment) -> str:
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")

        if obj.sent_at:
            return _("sent %(time)s") % {"time": at(obj.sent_at)}
        if obj.send_started_at:
            return _("sending since %(time)s") % {"time": at(obj.send_started_at)}
        return _("planned %(time)s") % {"time": at(obj.scheduled_at)}

    def get_fields(self, request, obj=None):
        if obj is None:  # a new edition: what the editor fills in
            return ["subject", "intro", "arrangement", "scheduled_at", "week"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        # The week is chosen once; the unique constraint keeps it to one edition.
        return [*self.readonly_fields, "week"] if obj else []

    def has_change_permission(self, request, obj=None):
        # Once the send has started the edition is what readers got: read only.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj: Edition, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            editions.edition_create(edition=obj, by=request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("assemble/", wrap(self.assemble_view), name="newsletters_edition_assemble"),
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

    def assemble_view(self, request):
        """This week's edition, assembled now as the weekly job would (held, not sent)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        edition = editions.edition_assemble(by=request.user)
        if edition is None:
            existing = Edition.objects.get(week=editions.week_of(timezone.now()))
            messages.warning(request, _("This week's edition exists already: here it is."))
        else:
            existing = edition
            messages.success(
                request,
                _(
                    "This week's edition is assembled with %(count)d articles. It is held:"
                    " check it, then schedule or send it."
                )
                % {"count": edition.items.count()},
            )
        return redirect(reverse("admin:newsletters_edition_change", args=[existing.pk]))

    def edition_action(self, request, pk: int, action: str):
        if action not in ACTION_MESSAGES:
            raise Http404
        confirmable = action in CONFIRMED_ACTIONS
        if request.method != "POST" and not (confirmable and request.method in ("GET", "HEAD")):
            return HttpResponseNotAllowed(["GET", "POST"] if confirmable else ["POST"])
        edition = self._edition_for_view(request, pk)
        if action == "fill":
            if not self.has_change_permission(request, edition):
                raise PermissionDenied
        elif not policy.may_send_edition(request.user):
            raise PermissionDenied
        if confirmable and request.POST.get("confirmed") != "yes":
            return self._confirm_page(request, edition, action)
        back = redirect(reverse("admin:newsletters_edition_change", args=[edition.pk]))
        params: dict = {}
        try:
            done = self._act(request, edition, action, params)
        except editions.EditionNotSendable as exc:
            messages.error(request, str(exc))
            return back
        if done:
            messages.success(request, ACTION_MESSAGES[action] % params)
        elif done is False:
            status = edition.get_status_display()
            messages.warning(
                request, _("Nothing changed: the edition is %(status)s.") % {"status": status}
            )
        return back

    def _act(self, request, edition: Edition, action: str, params: dict) -> bool | None:
        """Run `action`; True done, False nothing changed, None already reported."""
        by = request.user
        if action == "test":
            if not by.email:
                messages.error(request, _("Your account has no e-mail address for the test."))
                return None
            try:
                editions.edition_send_test(edition=edition, to=by.email)
            except (smtplib.SMTPException, OSError) as exc:
                messages.error(request, _("The test could not be sent: %(error)s") % {"error": exc})
                return None
            params["email"] = by.email
            return True
        if action == "fill":
            params["count"] = editions.edition_fill(edition=edition, by=by)
            return True
        if action == "send":
            params["count"] = editions.edition_start_send(edition=edition, by=by)
            return True
        if action == "resend":
            params["count"] = editions.edition_resend_failed(edition=edition, by=by)
            if not params["count"]:
                messages.warning(request, _("No failed deliveries to send again."))
                return None
            return True
        if action == "schedule":
            params["at"] = date_format(timezone.localtime(edition.scheduled_at), "DATETIME_FORMAT")
            return editions.edition_schedule(edition=edition, at=edition.scheduled_at, by=by)
        return STATE_CHANGES[action](edition=edition, by=by)

    def _confirm_page(self, request, edition: Edition, action: str):
        """What the send or schedule would do, and to how many, before anything happens."""
        refusal = None
        try:
            if not edition.is_editable:
                raise editions.EditionNotSendable(
                    _("This edition is already being sent or has been sent.")
                )
            at = edition.scheduled_at if action == "schedule" else None
            editions.edition_check(edition=edition, schedule_at=at)
        except editions.EditionNotSendable as exc:
            refusal = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": edition,
            "title": _("Send this edition now?")
            if action == "send"
            else _("Schedule this edition?"),
            "action": action,
            "recipients": recipient_count(),
            "articles": edition.items.count(),
            "refusal": refusal,
        }
        return TemplateResponse(
            request,
            "admin/newsletters/edition/confirm.html",
            context,
            status=400 if refusal and request.method == "POST" else 200,
        )


ACTION_MESSAGES = {
    "test": gettext_lazy("Test sent to %(email)s."),
    "fill": gettext_lazy("The edition now holds this week's %(count)d best articles."),
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
