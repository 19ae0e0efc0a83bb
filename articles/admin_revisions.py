"""The article admin's revision pages: history, compare, restore and preview (a mixin)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from newsroom.links import absolute_url

from . import policy, services
from .diff import compare
from .forms import RestoreForm
from .models import Article, Revision
from .views import preview_context


class RevisionAdminMixin:
    """Adds the revision pages to an article ModelAdmin."""

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
        share_url = None
        if policy.may_share_preview(request.user, article):
            token = services.preview_token(article=article, by=request.user)
            share_url = absolute_url(reverse("articles:preview", args=[token]))
        context = self._context(
            request,
            article,
            title=_("History of “%(headline)s”") % {"headline": article.headline},
            revisions=revisions,
            may_restore=policy.may_restore(request.user, article),
            share_url=share_url,
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
        if not policy.may_restore(request.user, article):
            raise PermissionDenied  # before the form: a refused POST learns nothing more
        corrections = services.corrections_after(revision)
        form = RestoreForm(request.POST or None, article=article, corrections=corrections)
        if request.method == "POST" and form.is_valid():
            try:
                restored = services.revision_restore(
                    revision=revision,
                    by=request.user,
                    kind=form.cleaned_data["change_kind"],
                    public_note=form.cleaned_data["change_note"],
                    internal_note=form.cleaned_data["internal_note"],
                    corrections_confirmed=form.cleaned_data["corrections_confirmed"],
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
            corrections=corrections,
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
