from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.i18n import JavaScriptCatalog

from edge.views import health

from . import pages

admin.site.site_header = format_lazy(_("{site} newsroom"), site=settings.SITE_NAME)
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Newsroom")
# The admin prefixes the page title with this on form errors, and Django's Dutch catalogue
# lacks it; marked here, our catalogue (consulted first) carries its translation.
gettext_noop("Error:")
# The same for the hidden column headings of the admin's model list (read by screen readers).
gettext_noop("Add link")
gettext_noop("Change or view list link")

urlpatterns = [
    # Every app's djangojs catalogue and ours (locale/nl/LC_MESSAGES/djangojs.po): the
    # strings of the body editor's script (django-prose-editor reads window.gettext).
    path("admin/jsi18n/all/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", include("feedback.urls")),
    path("nieuwsbrief/", include("newsletters.urls")),
    path("privacy/", pages.privacy, name="privacy"),
    path("colofon/", pages.colofon, name="colofon"),
    path("archief/", pages.archive, name="archive"),
    path("favicon.ico", pages.favicon, name="favicon"),
    # Reader pages last: their first path segment is a section slug.
    path("", include("articles.urls")),
]

handler404 = "newsroom.errors.page_not_found"
handler500 = "newsroom.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
