"""The 500 (or 503) and CSRF-failure pages: rendered without the database or context processors.

Django renders these two without a request context; these views give them what the
shared base (`templates/error.html`) shows, and nothing that needs the database.
"""

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseServerError
from django.template.loader import render_to_string

from newsroom.unavailable import server_error_or_unavailable


def editors_notified() -> bool:
    """Whether an unhandled error reaches someone: the `mail_admins` log handler mails ADMINS."""
    return bool(settings.ADMINS)


def server_error(request):
    unavailable = server_error_or_unavailable(request)
    if unavailable is not None:
        return unavailable
    context = {"SITE_NAME": settings.SITE_NAME, "editors_notified": editors_notified()}
    return HttpResponseServerError(render_to_string("500.html", context))


def csrf_failure(request, reason: str = ""):
    context = {"SITE_NAME": settings.SITE_NAME}
    return HttpResponseForbidden(render_to_string("403_csrf.html", context))
