from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from proofing.panel import panel_context

from . import services
from .diff import compare
from .forms import ArticleAdminForm, ImageAdminForm, InlineImageFormSet, RestoreForm
from .imaging import image_queue_renditions
from .models import Article, ArticleRedirect, Author, Image, InlineImage, Revision, Section
from .views import preview_context


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

    def save_model(self, request, obj: Image, form, change):
        if "file" in form.changed_data:
            obj.renditions = {}
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data:
            image_queue_renditions(image=obj)


class InlineImageInline(admin.TabularInline):
    model = InlineImage
    formset = InlineImageFormSet
    autocomplete_fields = ["image"]
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    inlines = [InlineImageInline]
    list_display = [
        "headline",
        "section",
        "status",
        "published_at",
        "public_modified",
        "reading_time",
    ]
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
        (gettext_lazy("This change"), {"fields": ["change_kind", "change_note", "version"]}),
        (gettext_lazy("Details"), {"fields": readonly_fields, "classes": ["collapse"]}),
    ]

    @admin.display(description=Article._meta.get_field("created_by").verbose_name)
    def creator(self, obj: Article):
        # Plain text: Django links a read-only foreign key to the user's admin page, which
        # only the editors-in-chief may open (a 403 for everyone else).
        return obj.created_by

    @admin.display(description=gettext_lazy("modified on"), ordering="modified_at")
    def public_modified(self, obj: Article):
        return obj.public_modified_at

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.editable_by(request.user):
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)

        class RequestArticleForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, user=request.user, **form_kwargs)

        return RequestArticleForm

    def get_fieldsets(self, request, obj=None):
        main, publication, _change, details = self.fieldsets
        if obj is None or not obj.editable_by(request.user):
            return [main, publication, details]
        if not obj.was_out:
            # Before publication a save needs no kind or note, only the lost-update guard.
            return [(None, {"fields": [*main[1]["fields"], "version"]}), publication, details]
        return self.fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            # The stored article, or on a refused save the text as entered: same panel.
            context["proofing"] = panel_context(
                article=obj, user=request.user, next_url=request.path
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

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

    def save_model(self, request, obj: Article, form, change):
        data = form.cleaned_data
        services.article_save(
            article=obj,
            by=request.user,
            kind=data.get("change_kind", ""),
            note=data.get("change_note", ""),
            expected_revision=data.get("version") if change else None,
            authors=list(data["authors"]),
        )

    def save_related(self, request, form, formsets, change):
        # The authors were saved with the revision by services.article_save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        # The inline images are saved only now: the revision keeps them too.
        services.revision_record_related(article=form.instance)

    # Revisions, diffs, restores and previews.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/revisions/",
                view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<int:object_id>/revisions/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:object_id>/revisions/<int:revision_id>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            path(
                "<int:object_id>/preview/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<int:object_id>/revisions/<int:revision_id>/preview/",
                view(self.preview_view),
                name="articles_article_revision_preview",
            ),
            *super().get_urls(),
        ]

    def _article_for(self, request, object_id) -> Article:
        article = get_object_or_404(
            Article.objects.select_related("section", "lead_image"), pk=object_id
        )
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _context(self, request, article, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "article": article,
            "has_view_permission": True,
            **extra,
        }

    @method_decorator(require_safe)
    def revisions_view(self, request, object_id):
        article = self._article_for(request, object_id)
        revisions = article.revisions.select_related("created_by").defer("body", "lede")
        token = services.preview_token(article=article)
        context = self._context(
            request,
            article,
            title=_("Revisions of “%(headline)s”") % {"headline": article.headline},
            revisions=revisions,
            may_restore=article.editable_by(request.user),
            share_url=request.build_absolute_uri(reverse("articles:preview", args=[token])),
        )
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    @method_decorator(require_safe)
    def compare_view(self, request, object_id):
        article = self._article_for(request, object_id)
        try:
            old = self._side(article, request.GET.get("a", ""))
            new = self._side(article, request.GET.get("b", "live"))
        except ValueError:
            return HttpResponseBadRequest(_("Choose two revisions of this article to compare."))
        context = self._context(
            request,
            article,
            title=_("Differences"),
            old=old,
            new=new,
            changes=compare(old, new),
        )
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    @staticmethod
    def _side(article: Article, value: str):
        if value == "live":
            return article
        if not value.isdigit() or len(value) > 9:
            raise ValueError(value)
        revision = article.revisions.select_related("created_by").filter(number=value).first()
        if revision is None:
            raise ValueError(value)
        return revision

    @method_decorator(require_http_methods(["GET", "POST"]))
    def restore_view(self, request, object_id, revision_id):
        article = self._article_for(request, object_id)
        revision = get_object_or_404(Revision, pk=revision_id, article=article)
        if not article.editable_by(request.user):
            raise PermissionDenied
        form = RestoreForm(request.POST or None, article=article)
        if request.method == "POST" and form.is_valid():
            try:
                restored = services.revision_restore(
                    revision=revision,
                    by=request.user,
                    kind=form.cleaned_data["change_kind"],
                    note=form.cleaned_data["change_note"],
                )
            except services.StaleEdit:
                messages.error(request, _("Someone else saved this article just now."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("Revision %(number)s is live again.") % {"number": revision.number}
                )
                self._warn_about_missing(request, restored)
            return redirect("admin:articles_article_revisions", object_id=article.pk)
        status = 400 if request.method == "POST" else 200
        context = self._context(
            request,
            article,
            title=_("Restore revision %(number)s") % {"number": revision.number},
            revision=revision,
            form=form,
            changes=compare(article, revision),
        )
        return TemplateResponse(
            request, "admin/articles/article/restore.html", context, status=status
        )

    @staticmethod
    def _warn_about_missing(request, restored: services.Restored) -> None:
        if restored.missing_authors:
            messages.warning(
                request,
                _(
                    "These authors have been deleted since, so they are not back in the byline:"
                    " %(names)s."
                )
                % {"names": ", ".join(restored.missing_authors)},
            )
        if restored.missing_photos:
            messages.warning(
                request,
                ngettext(
                    "%(count)d photo of this revision was deleted and could not come back.",
                    "%(count)d photos of this revision were deleted and could not come back.",
                    restored.missing_photos,
                )
                % {"count": restored.missing_photos},
            )

    @method_decorator(require_safe)
    def preview_view(self, request, object_id, revision_id=None):
        article = self._article_for(request, object_id)
        revision = None
        if revision_id is not None:
            revision = get_object_or_404(
                Revision.objects.select_related("section"), pk=revision_id, article=article
            )
        shown = services.article_preview(article=article, revision=revision)
        return TemplateResponse(request, "articles/article_detail.html", preview_context(shown))


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["slug", "article__headline"]
    raw_id_fields = ["article"]
