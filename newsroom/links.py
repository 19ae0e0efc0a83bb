"""Absolute URLs: the one way to turn a path of this site into an address for elsewhere.

Feeds, sitemaps, robots.txt, structured data, Open Graph and mail all link to the site
as readers know it (`SITE_URL`), never to the host a request happened to come in on.
Templates use the `absolute_url` filter (`{% load links %}`).
"""

from urllib.parse import urlsplit

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def absolute_url(path: str) -> str:
    """`path` (e.g. "/binnenland/") on SITE_URL; an already absolute URL is kept as it is."""
    path = str(path)
    if urlsplit(path).scheme:
        return path  # e.g. a photo on a storage with its own domain
    if path.startswith("//"):
        return f"{urlsplit(settings.SITE_URL).scheme}:{path}"
    if not path.startswith("/"):
        raise ValueError(f"Not a path of this site: {path!r}")
    return f"{settings.SITE_URL}{path}"
