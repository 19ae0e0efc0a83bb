"""The one way to mark a reader page as the same for everyone, so browsers and caches keep it."""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control


def public_page(view):
    """Answers of `view` may be kept by anyone for PUBLIC_CACHE_SECONDS.

    For pages without cookies, CSRF tokens or anything personal. Only answers to GET
    and HEAD are marked; error answers are left alone, so a page that was briefly
    missing is not kept missing.
    Class-based views: `@method_decorator(public_page, name="dispatch")`.
    The edge middleware (edge/middleware.py) adds to what this marks the edge lifetime and
    the cache tags the view named with `edge.tags.tag_page`.
    """

    @wraps(view)
    def public(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code < 400:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    return public
