import hashlib

from django.core import signing
from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.decorators import method_decorator
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from edge import tags
from edge.tags import tag_page
from newsroom.caching import public_page
from newsroom.links import absolute_url

from . import services
from .forms import SearchForm
from .models import Article, ArticleRedirect, Revision, Section
from .navigation import get_navigation
from .search import search_articles, snippet
from .structured_data import news_article

HOME_LATEST = 9
# Under the top story, with their lede; the rest of the latest go in the side column.
HOME_SECONDARY = 2
HOME_PER_SECTION = 4
SECTION_PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 20


@public_page
@require_safe
def home(request):
    latest = list(Article.objects.visible().for_listing()[:HOME_LATEST])
    ranked = (
        Article.objects.visible()
        .exclude(pk__in=[a.pk for a in latest])
        .select_related("section")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("section_id"),
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=HOME_PER_SECTION)
        .order_by("section__position", "rank")
    )
    blocks: dict[Section, list[Article]] = {}
    for article in ranked:
        blocks.setdefault(article.section, []).append(article)
    context = {
        "top_story": latest[0] if latest else None,
        "secondary": latest[1 : 1 + HOME_SECONDARY],
        "latest": latest[1 + HOME_SECONDARY :],
        "section_blocks": list(blocks.items()),
    }
    tag_page(request, tags.HOME)
    return render(request, "articles/home.html", context)


@method_decorator(public_page, name="dispatch")
class SectionView(ListView):
    template_name = "articles/section.html"
    context_object_name = "articles"
    paginate_by = SECTION_PAGE_SIZE
    http_method_names = ["get", "head"]

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["section_slug"])
        tag_page(self.request, tags.section(self.section.pk))
        return Article.objects.visible().filter(section=self.section).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


def _article_etag(article: Article, inline_images: list) -> str:
    # The HTML also shows the navigation and the photos (whose renditions come later),
    # so a renamed section or a finished rendition changes the ETag.
    nav = get_navigation()
    photos = [article.lead_image, *(inline.image for inline in inline_images)]
    photos_version = [
        (p.pk, p.alt, p.caption, p.credit, sorted(p.renditions)) for p in photos if p is not None
    ]
    version = (
        f"{article.pk}:{article.updated_at.isoformat()}:{article.section.name}:{nav!r}"
        f":{photos_version!r}"
    )
    return quote_etag(hashlib.sha256(version.encode()).hexdigest()[:32])


@public_page
@require_safe
def article_detail(request, section_slug: str, slug: str):
    article = (
        Article.objects.visible().for_detail().filter(section__slug=section_slug, slug=slug).first()
    )
    if article is None:
        return redirect(_moved_article(section_slug, slug), permanent=True)

    authors = article.authors.all()
    tag_page(request, tags.article(article.pk), *(tags.author(a.pk) for a in authors))
    inline_images = _inline_images(article)
    etag = _article_etag(article, inline_images)
    last_modified = article.last_modified.timestamp()
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified

    context = {
        "article": article,
        "authors": authors,
        "inline_images": inline_images,
        "structured_data": news_article(article, authors),
    }
    response = render(request, "articles/article_detail.html", context)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response


def _inline_images(article: Article) -> list:
    # The annotation from for_detail() spares articles without photos a query.
    if not article.has_inline_images:
        return []
    return list(article.inline_images.select_related("image"))


def _moved_article(section_slug: str, slug: str) -> Article:
    """The visible article that had this URL before its slug or section changed, else 404."""
    old = (
        ArticleRedirect.objects.filter(
            section_slug=section_slug,
            slug=slug,
            article__in=Article.objects.visible(),
        )
        .select_related("article__section")
        .first()
    )
    if old is None:
        raise Http404
    return old.article


@public_page
@require_safe
def article_changes(request, section_slug: str, slug: str):
    """The public change log: every update and correction, dated; typo fixes only counted."""
    article = (
        Article.objects.visible()
        .select_related("section")
        .filter(section__slug=section_slug, slug=slug)
        .first()
    )
    if article is None:
        moved = _moved_article(section_slug, slug)
        return redirect(
            "articles:changes", section_slug=moved.section.slug, slug=moved.slug, permanent=True
        )
    tag_page(request, tags.article(article.pk))
    revisions = list(
        article.revisions.filter(kind__in=Revision.Kind.values)
        .only("article_id", "kind", "note", "created_at", "number")
        .order_by("created_at", "number")
    )
    context = {
        "article": article,
        "changes": [r for r in revisions if r.is_public],
        "typo_fixes": sum(1 for r in revisions if not r.is_public),
    }
    return render(request, "articles/article_changes.html", context)


@require_safe
def preview(request, token: str):
    """A shared preview link: works without an account, expires, and is never indexed."""
    try:
        shown = services.preview_from_token(token=token)
    except signing.SignatureExpired:
        return _not_indexed(
            render(request, "articles/preview_invalid.html", {"expired": True}, status=410)
        )
    except (signing.BadSignature, Article.DoesNotExist, Revision.DoesNotExist):
        return _not_indexed(render(request, "articles/preview_invalid.html", status=404))
    return _not_indexed(render(request, "articles/article_detail.html", preview_context(shown)))


def preview_context(shown: services.Preview) -> dict:
    """The article page's context for a preview (never cached, never indexed)."""
    return {
        "article": shown.article,
        "authors": shown.authors,
        "inline_images": shown.inline_images,
        "preview": True,
    }


def _not_indexed(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


@public_page
@require_safe
def search(request):
    form = SearchForm(request.GET, sections=get_navigation().sections)
    terms = form.search_terms()
    page = None
    if terms["query"]:
        paginator = Paginator(search_articles(**terms), SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        for article in page:
            article.snippet = snippet(article, terms["query"])
    context = {"form": form, "query": terms["query"], "page_obj": page}
    tag_page(request, tags.SEARCH)
    return render(request, "articles/search.html", context)


@public_page
@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url(reverse('articles:sitemap'))}",
        f"Sitemap: {absolute_url(reverse('articles:news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
