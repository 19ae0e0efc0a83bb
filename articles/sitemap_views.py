"""The sitemap index and the month sitemaps: small pages built from bounded queries."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date

from newsroom.links import absolute_url

from .sitemaps import month_lastmods, month_urls


def sitemap_index(request):
    months = month_lastmods()
    sections = reverse("articles:sitemap_section", kwargs={"section": "sections"})
    entries = [(absolute_url(sections), None)]
    entries += [
        (
            absolute_url(reverse("articles:sitemap_month", args=[str(m.year), f"{m.month:02d}"])),
            lastmod,
        )
        for m, lastmod in months
    ]
    response = render(
        request, "articles/sitemap_index.xml", {"entries": entries}, content_type="application/xml"
    )
    if months:
        response["Last-Modified"] = http_date(max(last for _, last in months).timestamp())
    return response


def sitemap_month(request, year: str, month: str):
    if not 1 <= int(month) <= 12:
        raise Http404
    urls = list(month_urls(int(year), int(month)))
    if not urls:
        raise Http404
    # The article URL spelled once for the month (reverse() per URL is most of the time).
    pattern = absolute_url(reverse("articles:detail", args=["SECTION", "SLUG"]))
    pattern = pattern.replace("SECTION", "{}").replace("SLUG", "{}")
    context = {
        "urls": [
            (pattern.format(section, slug), modified or published)
            for section, slug, published, modified in urls
        ]
    }
    response = render(
        request, "articles/sitemap_month.xml", context, content_type="application/xml"
    )
    response["Last-Modified"] = http_date(max(last for _, last in context["urls"]).timestamp())
    return response
