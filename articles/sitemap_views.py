"""The sitemap index and the month sitemaps: small pages built from bounded queries."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date

from .sitemaps import month_lastmods, month_urls


def sitemap_index(request):
    months = month_lastmods()
    entries = [(reverse("articles:sitemap_section", kwargs={"section": "sections"}), None)]
    entries += [
        (reverse("articles:sitemap_month", args=[f"{month:%Y}", f"{month:%m}"]), lastmod)
        for month, lastmod in months
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
    context = {
        "urls": [
            (f"/{section}/{slug}/", modified or published)
            for section, slug, published, modified in urls
        ]
    }
    response = render(
        request, "articles/sitemap_month.xml", context, content_type="application/xml"
    )
    response["Last-Modified"] = http_date(max(last for _, last in context["urls"]).timestamp())
    return response
