"""Cross-site protection for reader forms on pages cached whole.

The article page is the same HTML for every reader, so it cannot carry Django's
per-reader CSRF token. Its forms post to views decorated with
`same_origin_post` instead: browsers mark every POST with `Sec-Fetch-Site` and/or
`Origin`, and a cross-site forgery cannot fake those. A request that carries
none of them (or no same-site Referer) is refused like a missing CSRF token.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_callable
from django.views.decorators.csrf import csrf_exempt


def _trusted_origins(request) -> set[str]:
    scheme = "https" if request.is_secure() else "http"
    return {f"{scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def is_same_origin(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin in _trusted_origins(request)
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" in _trusted_origins(request)
    return False


def same_origin_post(view):
    """Accept a POST only from our own pages: a same-origin browser form or fetch."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not is_same_origin(request):
            failure_view = get_callable(settings.CSRF_FAILURE_VIEW)
            return failure_view(request, reason="cross-site or unmarked POST")
        return view(request, *args, **kwargs)

    return wrapped
