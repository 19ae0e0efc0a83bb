"""The site's fixed pages: privacy statement, colofon, the archive's index, the favicon.

None of them reads the database (the archive index lists the sections from the
navigation's in-process copy), so they are cheap to serve and are kept by the edge.
"""

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles.navigation import get_navigation
from edge import tags
from edge.tags import tag_page
from newsroom.caching import public_page

FAVICON = settings.BASE_DIR / "static" / "favicon.ico"
# Browsers ask for /favicon.ico on every site; it hardly ever changes.
FAVICON_MAX_AGE = 7 * 24 * 3600


@public_page
@require_safe
def privacy(request):
    tag_page(request, tags.PAGES)
    return render(request, "pages/privacy.html")


@public_page
@require_safe
def colofon(request):
    tag_page(request, tags.PAGES)
    return render(request, "pages/colofon.html")


@public_page
@require_safe
def archive(request):
    """Every section with a link to this month of its archive (which links further back)."""
    today = timezone.localdate()
    context = {"sections": get_navigation().sections, "year": today.year, "month": today.month}
    tag_page(request, tags.PAGES)
    return render(request, "pages/archive.html", context)


@require_safe
def favicon(request):
    response = FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response
