from django.contrib import admin, messages
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.admin_mixins import ReadOnlyAdminMixin

from . import services
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

    @admin.display(description=_("Wilson lower bound"), ordering="wilson_lower")
    def wilson(self, obj):
        return number_format(obj.wilson_lower, 2)

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


class PossiblyFixedFilter(admin.SimpleListFilter):
    title = _("possibly fixed")
    parameter_name = "possibly_fixed"

    def lookups(self, request, model_admin):
        return [("1", _("yes"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            # Narrowed in the database to open reports; the exact check is on plain text.
            ids = [report.pk for report in queryset.open() if report.possibly_fixed]
            return queryset.filter(pk__in=ids)
        return queryset


@admin.register(TypoReport)
class TypoReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    editable = frozenset({"change", "delete"})
    list_display = ["created_at", "quote_in_context", "article_link", "status", "possibly_fixed"]
    list_display_links = ["created_at"]
    list_filter = ["status", PossiblyFixedFilter, "article__section", "created_at"]
    list_select_related = ["article__section"]
    search_fields = ["quote", "correction", "comment", "article__headline"]
    date_hierarchy = "created_at"
    actions = ["mark_in_progress", "mark_rejected", "close_fixed"]
    fields = [
        "article_link",
        "quote_in_context",
        "correction",
        "comment",
        "name",
        "email",
        "revision_number",
        "status",
        "fixed_in_revision",
        "mail_status",
        "created_at",
    ]
    readonly_fields = [f for f in fields if f != "status"]

    class Media:
        css = {"all": ["css/feedback-admin.css"]}

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
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[obj.article_id]),
            obj.article.headline,
        )

    @admin.display(description=_("possibly fixed"), boolean=True)
    def possibly_fixed(self, obj: TypoReport):
        return obj.possibly_fixed

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
        closed = services.typo_reports_close_fixed(
            reports=queryset.open().select_related("article")
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d report closed as fixed.", "%(count)d reports closed as fixed.", closed
            )
            % {"count": closed},
            messages.SUCCESS if closed else messages.WARNING,
        )
