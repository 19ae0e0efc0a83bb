"""The site's URLs plus the uploaded photos, for browser tests (DEBUG is off there)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from newsroom.urls import handler404, handler500  # noqa: F401 (Django reads them here)
from newsroom.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *site_urlpatterns,
]
