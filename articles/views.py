import hashlib
import logging
from datetime import datetime

from django.core import signing
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from edge import tags
from edge.tags import tag_page
from newsroom.caching import public_page
from newsroom.links import absolute_url
from newsroom.unavailable import is_database_unavailable

from . import listings, services
from .forms import FIRST_YEAR, LAST_YEAR, SearchForm
from .models import Article, ArticleRedirect, Author, Revision
from .navigation import NavLink, get_navigation
from .search import CANDIDATES, search_articles, snippet
from .structured_data import news_article

# Under the top story, with their lede; the rest of the latest go in the side column.
HOME_SECONDARY = 2
SEARCH_PAGE_SIZE = 20
logger = logging.getLogger(__name__)


@public_page
@require_safe
def home(request):
    latest = listings.home_latest()
    context = {
        "top_story": latest[0] if latest else None,
        "secondary": latest[1 : 1 + HOME_SECONDARY],
        "latest": latest[1 + HOME_SECONDARY :],
        "section_blocks": listings.home_blocks(get_navigation().sections, shown=latest),
    }
    tag_page(request, tags.HOME)
    return render(request, "articles/home.html", context)


@public_page
@require_safe
def section(request, section_slug: str):
    link = _section_link(section_slug)
    page = listings.section_page(
        link.pk, before=request.GET.get("voor"), after=request.GET.get("na")
    )
    today = timezone.localdate()
    context = {"section": link, "page": page, "archive_month": (today.year, today.month)}
    tag_page(request, tags.section(link.pk))
    return render(request, "articles/section.html", context)


@public_page
@require_safe
def section_month(request, section_slug: str, year: int, month: int):
    """A month of a section's archive, newest first, paged like the section page."""
    link = _section_link(section_slug)
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404
    since = timezone.make_aware(datetime(year, month, 1))
    next_month = (year + month // 12, month % 12 + 1)
    until = timezone.make_aware(datetime(*next_month, 1))
    page = listings.section_page(
        link.pk,
        before=request.GET.get("voor"),
        after=request.GET.get("na"),
        since=since,
        until=until,
    )
    previous_month = (year - (month == 1), (month - 2) % 12 + 1)
    context = {
        "section": link,
        "page": page,
        "month": since,
        "previous_month": previous_month,
        "next_month": next_month if until <= timezone.now() else None,
    }
    tag_page(request, tags.section(link.pk))
    return render(request, "articles/section_month.html", context)


@public_page
@require_safe
def author(request, slug: str):
    """An author's page: who they are and their articles, newest first, paged like a section."""
    writer = get_object_or_404(Author.objects.only("name", "slug", "bio"), slug=slug)
    page = listings.author_page(
        writer.pk, before=request.GET.get("voor"), after=request.GET.get("na")
    )
    tag_page(request, tags.author(writer.pk))
    return render(request, "articles/author.html", {"author": writer, "page": page})


def _section_link(slug: str) -> NavLink:
    # Sections are few and in the navigation's in-process copy: no query to find one.
    link = get_navigation().by_slug(slug)
    if link is None:
        raise Http404
    return link


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
        f":{photos_version!r}:{article.is_breaking}"
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
        .only("article_id", "kind", "public_note", "created_at", "number")
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
        page = _search_page(terms, request.GET.get("page"))
    context = {
        "form": form,
        "query": terms["query"],
        "page_obj": page,
        # Only the newest CANDIDATES matches are ranked (see articles/search.py).
        "capped": page is not None and page.paginator.count >= CANDIDATES,
    }
    tag_page(request, tags.SEARCH)
    return render(request, "articles/search.html", context)


def _search_page(terms: dict, number: str | None):
    """A page of results; a failed query gives an empty one (logged), never a 500.

    An unreachable database is not a failed query: the reader gets the 503 page
    (newsroom.unavailable) rather than "no results".
    """
    try:
        page = Paginator(search_articles(**terms), SEARCH_PAGE_SIZE).get_page(number)
        for article in page:
            article.snippet = snippet(article, terms["query"])
        return page
    except DatabaseError as error:
        if is_database_unavailable(error):
            raise
        logger.exception("Search failed for %r; showing no results", terms["query"])
        return Paginator([], SEARCH_PAGE_SIZE).get_page(1)


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
