"""The edge middleware: cache headers and tags on reader pages, and the page cache.

A page is a reader page when its view marked it public (`Cache-Control: public`). It then
gets a long edge lifetime for Varnish and CDNs beside the browser's short `max-age`, its
tags in `xkey` and `Surrogate-Key`, and a place in the page cache. Pages without tags
cannot be purged, so shared caches keep them no longer than browsers do.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

from . import pagecache
from .tags import NAV, page_tags

REFUSING = ("private", "no-store", "no-cache")


def is_reader_page(response) -> bool:
    directives = {
        part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")
    }
    return (
        "public" in directives
        and not directives.intersection(REFUSING)
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
    )


def add_edge_headers(request, response) -> None:
    tags = set(page_tags(request))
    # A 304 has no type; it stands for the page, which is HTML where views validate.
    if response.status_code == 304 or response.get("Content-Type", "").startswith("text/html"):
        tags.add(NAV)
    edge_seconds = settings.EDGE_CACHE_SECONDS if tags else settings.PUBLIC_CACHE_SECONDS
    stale = {
        "stale_while_revalidate": settings.PUBLIC_CACHE_SECONDS,
        "stale_if_error": settings.EDGE_STALE_SECONDS,
    }
    patch_cache_control(response, s_maxage=edge_seconds, **stale)
    response["Surrogate-Control"] = ", ".join(
        [f"max-age={edge_seconds}", *(f"{k.replace('_', '-')}={v}" for k, v in stale.items())]
    )
    if tags:
        response["xkey"] = response["Surrogate-Key"] = " ".join(sorted(tags))


class EdgeCacheMiddleware:
    """Place it before the session middleware: a page-cache hit then touches no database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cached = pagecache.fetch(request)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if response.status_code == 503 and response.has_header("Retry-After"):
            # The database is down (newsroom.unavailable): an older copy beats the 503.
            return pagecache.stale(request) or response
        if request.method in ("GET", "HEAD") and is_reader_page(response):
            add_edge_headers(request, response)
            pagecache.store(request, response)
        return response
