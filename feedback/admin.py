from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from newsroom.admin_mixins import ReadOnlyAdminMixin, WholeNumberSelectionMixin

from . import inbox, links
from .models import ArticleUsefulness, TypoReport, Vote


class PublishedWithinFilter(admin.SimpleListFilter):
    title = _("published")
    parameter_name = "days"

    def lookups(self, request, model_admin):
        return [("7", _("last 7 days")), ("30", _("last 30 days"))]

    def queryset(self, request, queryset):
        if self.value() in {"7", "30"}:
            return queryset.published_within(days=int(self.value()))
        return queryset


@admin.register(ArticleUsefulness)
class ArticleUsefulnessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Most and least useful articles: sort by the Wilson lower bound either way."""

    change_list_template = "admin/feedback/articleusefulness/change_list.html"

    list_display = [
        "headline",
        "section",
        "published_at",
        "yes",
        "no",
        "share",
        "wilson",
        "reasons",
    ]
    list_display_links = None
    list_filter = [PublishedWithinFilter, "section"]
    list_select_related = ["section"]
    search_fields = ["headline"]

    def get_ordering(self, request):
        # Most useful first; sorting the Wilson column the other way lists the least useful.
        return ["-wilson_lower", "-votes_total"]

    def get_queryset(self, request):
        # Not super(): its ordering would come before the annotations it sorts by.
        return ArticleUsefulness.objects.with_usefulness()

    @admin.display(description=_("yes"), ordering="votes_yes")
    def yes(self, obj):
        return obj.votes_yes

    @admin.display(description=_("no"), ordering="votes_no")
    def no(self, obj):
        return obj.votes_no

    @admin.display(description=_("share of yes"), ordering="share_yes")
    def share(self, obj):
        return f"{round(obj.share_yes * 100)}%"

    # The lower bound of the Wilson score interval, in words: the share of readers that finds
    # the article useful, at least, with 95% certainty (so few votes rank low).
    @admin.display(description=_("useful for at least"), ordering="wilson_lower")
    def wilson(self, obj):
        return f"{round(obj.wilson_lower * 100)}%"

    @admin.display(description=_("reasons for no"))
    def reasons(self, obj):
        counts = [
            (label, getattr(obj, f"reason_{value}"))
            for value, label in Vote.Reason.choices
            if getattr(obj, f"reason_{value}")
        ]
        url = (
            reverse("admin:feedback_vote_changelist")
            + f"?article__id__exact={obj.pk}&useful__exact=0"
        )
        return format_html(
            '{} <a href="{}">{}</a>',
            format_html_join(" · ", "{} {}", counts),
            url,
            _("all explanations"),
        )


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    editable = frozenset({"delete"})
    list_display = ["article", "useful", "reason", "comment", "revision_number", "updated_at"]
    list_filter = ["useful", "reason", "article__section", "updated_at"]
    list_select_related = ["article"]
    search_fields = ["comment", "article__headline"]
    date_hierarchy = "updated_at"


class TextStateFilter(admin.SimpleListFilter):
    """Open reports by what the live article says about their quote."""

    title = _("the quoted text")
    parameter_name = "text"

    def lookups(self, request, model_admin):
        return [
            ("possibly_fixed", _("possibly fixed")),
            ("still_there", _("still in the article")),
            ("not_found", _("never in the article")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "not_found":
            return queryset.open().filter(quote_found=False)
        if self.value() in {"possibly_fixed", "still_there"}:
            # Narrowed in the database to open reports with a quote; the check is on plain text.
            candidates = queryset.open().filter(quote_found=True).select_related("article")
            fixed = self.value() == "possibly_fixed"
            ids = [report.pk for report in candidates if report.possibly_fixed == fixed]
            return queryset.filter(pk__in=ids)
        return queryset


@admin.register(TypoReport)
class TypoReportAdmin(WholeNumberSelectionMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    editable = frozenset({"change", "delete"})
    change_form_template = "admin/feedback/typoreport/change_form.html"
    # Four columns fit beside the filters at 1280 px: the status and what the live text
    # says about the quote share one.
    list_display = ["reported", "quote_in_context", "article_link", "state"]
    list_display_links = ["reported"]
    list_filter = ["status", TextStateFilter, "article__section", "created_at"]
    list_select_related = ["article__section"]
    search_fields = ["quote", "correction", "comment", "article__headline"]
    date_hierarchy = "created_at"
    actions = ["mark_in_progress", "mark_rejected", "close_fixed"]
    fields = [
        "article_link",
        "quote_in_context",
        "text",
        "correction",
        "comment",
        "name",
        "email",
        "revision_number",
        "status",
        "fixed_in_revision",
        "mail_status",
        "thanks_status",
        "created_at",
    ]
    readonly_fields = [f for f in fields if f != "status"]

    class Media:
        css = {"all": ["css/feedback-admin.css"]}

    def get_queryset(self, request):
        # The change page shows the article and links it by its section's URL.
        return super().get_queryset(request).select_related("article__section")

    def get_urls(self):
        return [
            path(
                "<int:object_id>/close-and-thank/",
                self.admin_site.admin_view(self.close_and_thank_view),
                name="feedback_typoreport_close_and_thank",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("quote in context"))
    def quote_in_context(self, obj: TypoReport):
        lead, tail = obj.context_cut
        return format_html(
            '<span class="typo-context">{}{}<mark>{}</mark>{}{}</span>',
            lead,
            obj.context_before,
            obj.quote,
            obj.context_after,
            tail,
        )

    @admin.display(description=_("article"), ordering="article__headline")
    def article_link(self, obj: TypoReport):
        return format_html('<a href="{}">{}</a>', links.in_editor(obj), obj.article.headline)

    @admin.display(description=_("the quoted text"))
    def text(self, obj: TypoReport):
        return obj.text_state or "—"

    @admin.display(description=TypoReport._meta.get_field("created_at").verbose_name)
    def reported(self, obj: TypoReport):
        return date_format(localtime(obj.created_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj: TypoReport):
        if not obj.text_state:
            return obj.get_status_display()
        return format_html(
            '{}<br><span class="typo-state">{}</span>', obj.get_status_display(), obj.text_state
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["report_links"] = links.for_report(obj)
            context["may_close"] = obj.possibly_fixed and self.has_change_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @method_decorator(require_POST)
    def close_and_thank_view(self, request, object_id):
        report = get_object_or_404(TypoReport, pk=object_id)
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        try:
            thanked = inbox.typo_report_close_and_thank(report=report, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:feedback_typoreport_change", object_id=report.pk)
        if thanked:
            message = _("The report is closed as fixed and the reader gets a thank-you mail.")
        else:
            message = _("The report is closed as fixed.")
        messages.success(request, message)
        return redirect("admin:feedback_typoreport_changelist")

    @admin.action(description=_("Mark as in progress"), permissions=["change"])
    def mark_in_progress(self, request, queryset):
        queryset.filter(status=TypoReport.Status.NEW).update(status=TypoReport.Status.IN_PROGRESS)

    @admin.action(description=_("Reject"), permissions=["change"])
    def mark_rejected(self, request, queryset):
        queryset.open().update(status=TypoReport.Status.REJECTED)

    @admin.action(
        description=_("Close as fixed (quote no longer in the article)"), permissions=["change"]
    )
    def close_fixed(self, request, queryset):
        result = inbox.typo_reports_close_fixed(reports=queryset.open(), by=request.user)
        message = ngettext(
            "%(count)d report closed as fixed.", "%(count)d reports closed as fixed.", result.closed
        ) % {"count": result.closed}
        if result.skipped:
            message += " " + ngettext(
                "%(count)d report skipped: its quote is still in the article or never was.",
                "%(count)d reports skipped: their quote is still in the article or never was.",
                result.skipped,
            ) % {"count": result.skipped}
        self.message_user(
            request, message, messages.SUCCESS if not result.skipped else messages.WARNING
        )
