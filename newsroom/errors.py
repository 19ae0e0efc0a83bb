"""The 404, 500 (or 503) and CSRF-failure pages.

Django renders the 500 and CSRF pages without a request context; these views give them what
the shared base (`templates/error.html`) shows, and nothing that needs the database. The
404 page helps the reader on: a search field and the latest articles (one bounded query,
left out when the database fails).
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponseForbidden, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

from articles.models import Article
from newsroom.unavailable import server_error_or_unavailable

NOT_FOUND_LATEST = 5
logger = logging.getLogger(__name__)


def page_not_found(request, exception):
    try:
        latest = list(Article.objects.visible().for_listing()[:NOT_FOUND_LATEST])
    except DatabaseError:
        logger.exception("The 404 page shows no latest articles")
        latest = []
    return render(request, "404.html", {"latest": latest}, status=404)


def editors_notified() -> bool:
    """Whether an unhandled error reaches someone: the `mail_admins` log handler mails ADMINS."""
    return bool(settings.ADMINS)


def _site() -> dict:
    """What the base template's header and footer show, without a context processor."""
    return {"SITE_NAME": settings.SITE_NAME, "REDACTIE_EMAIL": settings.REDACTIE_EMAIL}


def server_error(request):
    unavailable = server_error_or_unavailable(request)
    if unavailable is not None:
        return unavailable
    context = {**_site(), "editors_notified": editors_notified()}
    return HttpResponseServerError(render_to_string("500.html", context))


def csrf_failure(request, reason: str = ""):
    return HttpResponseForbidden(render_to_string("403_csrf.html", _site()))
