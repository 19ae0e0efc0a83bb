"""The page cache: whole reader pages kept in Django's cache, for origins without Varnish.

Each entry carries the content version it was rendered under, and every reader-visible
change replaces that version (`bump_content_version`), so a hit needs no query to know
it is current: one cache round trip (the version and the page together) and no
database at all. The version also ends by itself when the next scheduled
article becomes visible, since no event marks that moment.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

VERSION_KEY = "edge:content-version"
# The only query parameters reader pages read; the VCL keeps the same list (a test checks).
QUERY_PARAMS = ("page", "p", "q", "section", "period", "voor", "na")
HIT_HEADER = "X-Page-Cache"
EDGE_HEADERS = ("xkey", "Surrogate-Key", "Surrogate-Control")
FAR_FUTURE = timedelta(days=366 * 100)


def _next_scheduled_publication() -> datetime | None:
    from articles.models import Article

    now = timezone.now()
    # Visible some day but not yet: the one visibility rule, asked about the far future.
    upcoming = Article.objects.visible(at=now + FAR_FUTURE).filter(published_at__gt=now)
    return upcoming.order_by("published_at").values_list("published_at", flat=True).first()


def _new_version() -> str:
    version = secrets.token_hex(8)
    timeout = settings.PAGE_CACHE_SECONDS
    due = _next_scheduled_publication()
    if due is not None:
        timeout = max(1, min(timeout, int((due - timezone.now()).total_seconds()) + 1))
    cache.set(VERSION_KEY, version, timeout=timeout)
    return version


def bump_content_version() -> None:
    """Make every stored page stale at once: called on each reader-visible change."""
    if not settings.PAGE_CACHE_SECONDS:
        return
    try:
        _new_version()
    except Exception:
        # Pages stored under the old version expire after PAGE_CACHE_SECONDS at most.
        logger.warning("Cache unavailable; page cache version not replaced", exc_info=True)


def _page_key(request) -> str:
    params = sorted((k, v) for k, v in request.GET.lists() if k in QUERY_PARAMS)
    raw = f"{request.get_host()}\n{request.path}\n{params!r}"
    return f"edge:page:{hashlib.sha256(raw.encode()).hexdigest()}"


def _applies(request) -> bool:
    return bool(settings.PAGE_CACHE_SECONDS) and request.method == "GET"


def fetch(request) -> HttpResponse | None:
    """The stored page for this request (or a 304 for it), else None."""
    if not _applies(request):
        return None
    key = _page_key(request)
    try:
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or _new_version()
    except Exception:
        logger.warning("Cache unavailable; page rendered", exc_info=True)
        return None
    # A change during rendering makes a new version; the page is kept with this older one.
    request.content_version = version
    stored = found.get(key)
    if stored is None or stored[0] != version:
        return None
    _version, status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[HIT_HEADER] = "hit"
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    answer = get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )
    # Django's 304 keeps the validators and Cache-Control; the tags belong with them.
    for name in (*EDGE_HEADERS, HIT_HEADER):
        if name in response:
            answer[name] = response[name]
    return answer


def stale(request) -> HttpResponse | None:
    """The stored page for this request whatever its version: for when the site cannot render.

    Kept by nobody else (`no-store`, no tags): once the database is back the current page
    is rendered, and no cache may hold on to an old one after its purge.
    """
    if not _applies(request):
        return None
    try:
        stored = cache.get(_page_key(request))
    except Exception:
        return None
    if stored is None:
        return None
    _version, status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        if name not in (*EDGE_HEADERS, "Cache-Control", "ETag", "Last-Modified"):
            response[name] = value
    add_never_cache_headers(response)
    response[HIT_HEADER] = "stale"
    return response


def store(request, response) -> None:
    """Keep a public page for the next reader (only whole 200s without cookies)."""
    version = getattr(request, "content_version", None)
    if version is None or response.status_code != 200 or response.streaming:
        return
    if response.cookies or "cookie" in response.get("Vary", "").lower():
        return
    if not response.has_header("ETag"):
        # Lets browsers revalidate pages whose views compute no validator of their own.
        set_response_etag(response)
    try:
        headers = [(k, v) for k, v in response.items() if k != HIT_HEADER]
        entry = (version, response.status_code, headers, response.content)
        cache.set(_page_key(request), entry, timeout=settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("Cache unavailable; page not stored", exc_info=True)
        return
    response[HIT_HEADER] = "miss"
