from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from edge.purging import failed_purges_since
from feedback.links import REPORT_PARAMETER
from feedback.panel import report_panel
from newsroom.admin_mixins import NeuterNounMessagesMixin
from newsroom.security import with_csp_nonce
from proofing.panel import panel_context

from . import policy, services
from .admin_frontpage import FrontPageSlotAdmin  # noqa: F401 (registers the front page)
from .admin_revisions import RevisionAdminMixin
from .forms import ArticleAdminForm, InlineImageFormSet
from .imaging import image_queue_renditions
from .models import Article, ArticleRedirect, Author, Image, InlineImage, Section
from .photo_forms import ImageAdminForm


def with_user(form_class, user):
    """`form_class` built with the requesting user, so that it can ask the policy."""

    class UserForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, user=user, **kwargs)

    return UserForm


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "in_nav"]
    list_editable = ["position", "in_nav"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["user"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail", "__str__", "credit", "width", "height", "has_renditions"]
    search_fields = ["alt", "caption", "credit"]
    readonly_fields = ["width", "height", "file_size", "created_at"]
    actions = ["make_renditions"]

    @admin.action(description=gettext_lazy("Make renditions again"), permissions=["change"])
    def make_renditions(self, request, queryset):
        for image in queryset:
            image_queue_renditions(image=image)
        self.message_user(request, _("The renditions are being made."))

    @admin.display(description=gettext_lazy("image"))
    def thumbnail(self, obj: Image):
        return format_html('<img src="{}" alt="" width="80">', obj.share_url())

    @admin.display(description=gettext_lazy("renditions ready"), boolean=True)
    def has_renditions(self, obj: Image) -> bool:
        return bool(obj.renditions)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return with_user(super().get_form(request, obj, change, **kwargs), request.user)

    def get_fieldsets(self, request, obj=None):
        fields = [f for f in self.get_fields(request, obj) if not f.startswith("change_")]
        if obj is None or not services.released_articles_showing(obj):
            return [(None, {"fields": fields})]
        return [
            (None, {"fields": fields}),
            (
                gettext_lazy("This change"),
                {
                    "fields": ["change_kind", "change_note"],
                    "description": gettext_lazy(
                        "Published or scheduled articles show this photo: a change of its file"
                        " or texts is kept as a revision of each of them."
                    ),
                },
            ),
        ]

    def save_model(self, request, obj: Image, form, change):
        revisions = services.image_change(
            image=obj,
            by=request.user,
            changed=form.changed_data,
            kind=form.cleaned_data.get("change_kind", ""),
            public_note=form.cleaned_data.get("change_note", ""),
        )
        if revisions:
            messages.info(
                request,
                ngettext(
                    "%(count)d article that shows this photo has a new revision.",
                    "%(count)d articles that show this photo have a new revision.",
                    len(revisions),
                )
                % {"count": len(revisions)},
            )


class InlineImageInline(admin.TabularInline):
    model = InlineImage
    formset = InlineImageFormSet
    autocomplete_fields = ["image"]
    extra = 0


@dataclass(frozen=True)
class Panel:
    """A box above the article form: a template and what it shows."""

    template: str
    context: dict = field(default_factory=dict)


@admin.register(Article)
class ArticleAdmin(NeuterNounMessagesMixin, RevisionAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"

    class Media:
        # The catalogue before the editor's modules, which read window.gettext once loaded.
        js = [reverse_lazy("javascript-catalog"), "js/prose-editor-nl.js"]
        css = {"all": ["css/article-admin.css"]}

    inlines = [InlineImageInline]
    # Four columns fit beside the filters at 1280 px; the modified time shares the date's.
    list_display = ["headline", "section", "status", "published"]
    list_filter = ["status", "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "lede", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["authors", "lead_image"]
    readonly_fields = [
        "modified_at",
        "reading_time",
        "revision_number",
        "creator",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["section", "headline", "slug", "lede", "lead_image", "body", "authors"]},
        ),
        (gettext_lazy("Publication"), {"fields": ["status", "published_at"]}),
        (
            gettext_lazy("This change"),
            {"fields": ["change_kind", "change_note", "internal_note", "version"]},
        ),
        (gettext_lazy("Details"), {"fields": readonly_fields, "classes": ["collapse"]}),
    ]

    @admin.display(description=Article._meta.get_field("created_by").verbose_name)
    def creator(self, obj: Article):
        # Plain text: Django links a read-only foreign key to the user's admin page, which
        # only the editors-in-chief may open (a 403 for everyone else).
        return obj.created_by

    @admin.display(
        description=Article._meta.get_field("published_at").verbose_name, ordering="published_at"
    )
    def published(self, obj: Article):
        if obj.published_at is None:
            return "—"
        published = date_format(localtime(obj.published_at), "SHORT_DATETIME_FORMAT")
        if obj.public_modified_at is None:
            return published
        return format_html(
            '{}<br><span class="quiet">{} {}</span>',
            published,
            gettext_lazy("modified on"),
            date_format(localtime(obj.public_modified_at), "SHORT_DATETIME_FORMAT"),
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and not policy.may_edit(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return with_user(super().get_form(request, obj, change, **kwargs), request.user)

    def get_fieldsets(self, request, obj=None):
        main, publication, _change, details = self.fieldsets
        if obj is None or not self.has_change_permission(request, obj):
            return [main, publication, details]
        if not obj.was_out:
            # Before publication a save needs no kind or note, only the lost-update guard.
            return [(None, {"fields": [*main[1]["fields"], "version"]}), publication, details]
        return self.fieldsets

    def changelist_view(self, request, extra_context=None):
        if services.publish_job_is_late():
            messages.warning(
                request,
                _(
                    "The scheduled-publication job has not run for more than 5 minutes. Scheduled"
                    " articles still appear on time, but their status is not updated: check"
                    " that Celery beat and a worker are running."
                ),
            )
        failed = failed_purges_since(hours=24)
        if failed:
            messages.warning(
                request,
                ngettext(
                    "%(count)d cache purge failed in the last 24 hours: readers may still see"
                    " the old version of some pages. See Edge cache → Cache purges.",
                    "%(count)d cache purges failed in the last 24 hours: readers may still see"
                    " the old version of some pages. See Edge cache → Cache purges.",
                    failed,
                )
                % {"count": failed},
            )
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleEdit:
            # Another save won the race between validation and saving: nothing was written.
            messages.error(
                request, _("Someone else saved this article just now. Nothing was overwritten.")
            )
            return HttpResponseRedirect(request.path)
        except ValidationError as error:
            # The article went live (a schedule came due) between validation and saving.
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)

    def article_panels(self, request, form, obj: Article | None) -> list[Panel]:
        """Boxes shown above the form: the hook for anything an editor should see first."""
        panels = []
        if form.stale_changes:
            panels.append(Panel("admin/articles/article/_stale_panel.html", {"form": form}))
        return panels

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["article_panels"] = self.article_panels(request, context["adminform"].form, obj)
        if obj is not None and obj.pk:
            # The pre-publish check, beside the object tools. The stored article, or on a
            # refused save the text as entered: same panel.
            context["proofing"] = panel_context(
                article=obj, user=request.user, next_url=request.path
            )
            context["typo"] = report_panel(
                article=obj, user=request.user, report_id=request.GET.get(REPORT_PARAMETER, "")
            )
        # The body editor's import map is an inline script: it runs with the CSP nonce.
        context["media"] = with_csp_nonce(request, context["media"])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        """Opened from a typo report: “Save” goes back to it (“Save and continue” keeps the
        query string, so the report stays on the page)."""
        response = super().response_change(request, obj)
        report = request.GET.get(REPORT_PARAMETER, "")
        if not report.isdigit() or len(report) > 9 or response.status_code != 302:
            return response
        if "_save" in request.POST:
            response["Location"] = reverse("admin:feedback_typoreport_change", args=[report])
        return response

    def save_model(self, request, obj: Article, form, change):
        """Nothing yet: the one service call comes in save_related, with the photos."""

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data

        def save_formsets() -> None:
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)

        services.article_save(
            article=form.instance,
            by=request.user,
            kind=data.get("change_kind", ""),
            public_note=data.get("change_note", ""),
            internal_note=data.get("internal_note", ""),
            expected_revision=data.get("version") if change else None,
            authors=list(data["authors"]),
            save_related=save_formsets,
        )


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["slug", "article__headline"]
    raw_id_fields = ["article"]
