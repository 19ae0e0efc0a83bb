"""The sitemap index, the month sitemaps and the news sitemap: bounded queries, written
without templates (articles/sitemap_xml.py)."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import http_date

from newsroom.links import absolute_url

from . import sitemap_xml
from .sitemaps import SITEMAPS, month_lastmods, month_urls, news_articles


def xml_response(body: str, *, last_modified=None) -> HttpResponse:
    response = HttpResponse(body, content_type="application/xml")
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # As Django's sitemap views say: for crawlers to read, not to list in results.
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def article_url_format() -> str:
    """The absolute article URL with `{}` for section and slug: reverse() once per page,
    not once per URL (that was most of a month sitemap's time)."""
    pattern = absolute_url(reverse("articles:detail", args=["SECTION", "SLUG"]))
    return pattern.replace("SECTION", "{}").replace("SLUG", "{}")


def sitemap_index(request):
    months = month_lastmods()
    entries = [
        (absolute_url(reverse("articles:sitemap_section", kwargs={"section": name})), None)
        for name in SITEMAPS
    ]
    entries += [
        (
            absolute_url(reverse("articles:sitemap_month", args=[str(m.year), f"{m.month:02d}"])),
            lastmod,
        )
        for m, lastmod in months
    ]
    latest = max((last for _, last in months), default=None)
    return xml_response(sitemap_xml.sitemap_index(entries), last_modified=latest)


def sitemap_month(request, year: str, month: str):
    if not 1 <= int(month) <= 12:
        raise Http404
    url = article_url_format()
    entries = [
        (url.format(section, slug), modified or published)
        for section, slug, published, modified in month_urls(int(year), int(month))
    ]
    if not entries:
        raise Http404
    latest = max(lastmod for _, lastmod in entries)
    return xml_response(sitemap_xml.urlset(entries), last_modified=latest)


def news_sitemap(request):
    url = article_url_format()
    articles = [
        (url.format(section, slug), published, headline, modified or published)
        for section, slug, published, modified, headline in news_articles()
    ]
    body = sitemap_xml.news_urlset(
        [entry[:3] for entry in articles], publication=settings.SITE_NAME
    )
    return xml_response(body, last_modified=max((a[3] for a in articles), default=None))
